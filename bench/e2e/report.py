#!/usr/bin/env python3
"""report.py RESULTS.tsv OUTDIR README|"" TRANSPORT REPS: the medians of bench/e2e/run.

RESULTS.tsv holds one measurement a line: size, repetition (0: once per size), key, value.
Writes OUTDIR/results.md (the table), OUTDIR/e2e.dat (the plot's data, for plot.gp) and, when
README is given, replaces its part between the bench/e2e markers with the table and the plot.
"""
import collections
import datetime
import statistics
import sys

BEGIN = "<!-- bench/e2e: begin (written by bench/e2e/run; edit the run, not this) -->"
END = "<!-- bench/e2e: end -->"


def load(path):
    values = collections.defaultdict(list)
    for line in open(path, encoding="utf-8"):
        size, _rep, key, value = line.rstrip("\n").split("\t")
        if value != "":
            values[(int(size), key)].append(float(value))
    return values


def main():
    results, outdir, readme, transport, reps = sys.argv[1:6]
    values = load(results)
    sizes = sorted({size for size, _ in values})

    def med(size, key):
        v = values.get((size, key))
        return statistics.median(v) if v else None

    def secs(size, key, ratio_to=None):
        v = med(size, key)
        if v is None:
            return "n/a"
        text = f"{v:.2f} s" if v < 100 else f"{v:.0f} s"
        if ratio_to:
            base = med(size, ratio_to)
            if base:
                text += f" (**{v / base:.2f}x**)"
        return text

    def num(size, key):
        v = med(size, key)
        return "n/a" if v is None else f"{v:,.0f}"

    def peak_rss(size):
        v = [med(size, k) for k in ("first_rss_mb", "unchanged_rss_mb", "loop_rss_mb")]
        v = [x for x in v if x is not None]
        return f"{max(v):.0f} MB" if v else "n/a"

    def cpu_of_parts(size, key, parts):
        # Each process's CPU for the step, or None when one of them was not measured.
        v = [med(size, f"{key}_cpu_{p}") for p in parts]
        return None if any(x is None for x in v) else v

    def cpu(size, key, parts):
        v = cpu_of_parts(size, key, parts)
        return "n/a" if v is None else " + ".join(f"{x:.2f}" for x in v) + f" = {sum(v):.2f} s"

    def least_wall(size, key, parts):
        # The wall no schedule can beat: the step's CPU spread evenly over the machine's cores.
        v, cores = cpu_of_parts(size, key, parts), med(size, "cores")
        return None if v is None or not cores else sum(v) / cores

    def cpu_floor(size, key, parts):
        floor, base = least_wall(size, key, parts), med(size, "ldapsearch_s")
        return "n/a" if floor is None or not base else f"{floor:.2f} s ({floor / base:.2f}x)"

    sync_parts = ("valtuusd", "slapd", "postgres")
    rows = [
        ("grant rows imported (expected open items after the first sync)", "",
         lambda s: f"{num(s, 'ledger_rows')} ({num(s, 'expected_items')})"),
        ("`ldapsearch -E pr=1000`, the yardstick", "", lambda s: secs(s, "ldapsearch_s")),
        ("`import grants --apply` (peak RSS)", "< 3 s, 128 MB at 150k rows",
         lambda s: f"{secs(s, 'import_s')} ({num(s, 'import_rss_mb')} MB)"
                   + (" [1]" if med(s, "import_as_owner") else "")),
        ("first full sync, `valtuusd --once` (x ldapsearch)", "1.3x",
         lambda s: secs(s, "first_s", "ldapsearch_s")),
        ("  open items it proposed", "", lambda s: num(s, "first_items")),
        ("full sync that changes nothing (x ldapsearch)", "1.1x",
         lambda s: secs(s, "unchanged_s", "ldapsearch_s")),
        ("  rows it wrote: employee / change_item / all tables [2]", "0 / 0 / run row",
         lambda s: f"{num(s, 'unchanged_employee_writes')} / {num(s, 'unchanged_item_writes')}"
                   f" / {num(s, 'unchanged_all_writes')}"),
        ("CPU of the yardstick: `ldapsearch` + slapd [3]", "",
         lambda s: cpu(s, "ldapsearch", ("client", "slapd"))),
        ("CPU of the first sync: valtuusd + slapd + PostgreSQL [3]", "",
         lambda s: cpu(s, "first", sync_parts)),
        ("  spread evenly over the cores, the least wall it can take (x ldapsearch)", "",
         lambda s: cpu_floor(s, "first", sync_parts)),
        ("CPU of the unchanged sync: valtuusd + slapd + PostgreSQL [3]", "",
         lambda s: cpu(s, "unchanged", sync_parts)),
        ("  the same two syncs as valtuusd logs them (no start-up)", "",
         lambda s: f"{secs(s, 'first_log_s')} / {secs(s, 'unchanged_log_s')}"),
        ("the notifier's next pass: the first sync's \"grant proposed\" notices written (rows)", "",
         lambda s: f"{secs(s, 'announce_s')} ({num(s, 'announce_notices')})"),
        ("looping valtuusd: its first cycle (incremental from the stored base, state loaded)", "", lambda s: secs(s, "loop_full_s")),
        ("  incremental cycle, nothing changed", "", lambda s: secs(s, "idle_incr_s")),
        ("  incremental cycle after 100 people changed (items)", "< 0.1 s",
         lambda s: f"{secs(s, 'incr_s')} ({num(s, 'incr_items')})"),
        ("  account disabled -> its revokes in `changes list` (1 s interval)", "< 5 s",
         lambda s: secs(s, "leaver_latency_s")),
        ("`changes list` of the open items (rows)", "< 1 s",
         lambda s: f"{secs(s, 'list_s')} ({num(s, 'list_rows')})"),
        ("`report leavers`", "< 1 s", lambda s: secs(s, "leavers_s")),
        ("peak RSS of valtuusd", "128 MB (aim 80)", peak_rss),
        ("once per size: `slapadd` / catalog-only first start", "",
         lambda s: f"{secs(s, 'slapadd_s')} / {secs(s, 'catalog_s')}"),
    ]
    lines = ["| what | target (100k) | " + " | ".join(f"{s:,} people" for s in sizes) + " |",
             "|---|---|" + "---|" * len(sizes)]
    for label, target, cell in rows:
        lines.append(f"| {label} | {target} | " + " | ".join(cell(s) for s in sizes) + " |")
    if any(med(s, "import_as_owner") for s in sizes):
        lines.append("")
        lines.append("[1] as the schema owner: `import grants --apply` was refused to the "
                     "valtuus_admin login (permission denied), as the run printed.")
    lines.append("")
    lines.append("[2] row versions PostgreSQL counts (inserted, updated, deleted): the run's row "
                 "inserted and then its reconcile mark set (2), its audit event and the audit "
                 "trail's tally (1 each).")
    cores = {med(s, "cores") for s in sizes} - {None}
    lines.append("")
    lines.append("[3] CPU seconds, user + system: valtuusd's and ldapsearch's from `/usr/bin/time`, "
                 "slapd's from its `/proc` counters, PostgreSQL's as the postmaster's reaped "
                 "children's (the sync's session, and any autovacuum worker that ended meanwhile)"
                 + (f"; {', '.join(f'{c:.0f}' for c in sorted(cores))} cores." if cores else "."))
    table = "\n".join(lines) + "\n"
    with open(f"{outdir}/results.md", "w", encoding="utf-8") as out:
        out.write(table)

    columns = ["ldapsearch_s", "first_s", "unchanged_s", "import_s", "loop_full_s", "incr_s",
               "leaver_latency_s", "list_s", "leavers_s", "first_rss_mb", "loop_rss_mb",
               "import_rss_mb"]
    with open(f"{outdir}/e2e.dat", "w", encoding="utf-8") as out:
        out.write("# people " + " ".join(columns) + " first_floor_s\n")
        for s in sizes:
            cells = [med(s, c) for c in columns] + [least_wall(s, "first", sync_parts)]
            out.write(f"{s} " + " ".join("NaN" if c is None else f"{c:.4f}" for c in cells) + "\n")

    if readme:
        text = open(readme, encoding="utf-8").read()
        if BEGIN not in text or END not in text:
            sys.exit(f"report.py: {readme} lacks the bench/e2e markers")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        body = (f"\nMeasured {stamp}: median of {reps} repetitions, Release build, {transport}.\n"
                "Ratios are to the `ldapsearch` of the same run.\n\n" + table +
                "\n![time and memory against the number of people](e2e/e2e.png)\n")
        with open(readme, "w", encoding="utf-8") as out:
            out.write(head + BEGIN + body + END + tail)


if __name__ == "__main__":
    main()
