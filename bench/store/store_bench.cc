// Benchmark of the PostgreSQL store. Usage: store_bench CONNINFO [items]
// CONNINFO names an empty database (bench/store/run makes one on a private server).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <pqxx/pqxx>

#include "connectors/postgres/decisions.h"
#include "connectors/postgres/item_queries.h"
#include "connectors/postgres/item_writer.h"
#include "connectors/postgres/migrations.h"

using namespace valtuus;

namespace {

double seconds(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Plan make_plan(int items, int employees) {
  Plan plan;
  plan.add.reserve(static_cast<std::size_t>(items));
  for (int i = 0; i < items; ++i) {
    ProposedItem item;
    item.kind = ChangeKind::kGrant;
    item.employee_key = "emp-" + std::to_string(i % employees);
    item.mandate = "theme-" + std::to_string(i / employees);
    item.reason = "The work in this unit needs it: registers payment claims";
    item.provenance = {"map-" + std::to_string(i % 200),
                       {"maps/m.yaml", i % 500, 9},
                       {{"department", "Toimiala Ä" + std::to_string(i % 120)}}};
    item.fingerprint = "fp" + std::to_string(i);
    plan.add.push_back(std::move(item));
  }
  return plan;
}

// The same rows through a bare stream, for the baseline.
void raw_copy(pqxx::work& txn, long long run_id, const Plan& plan) {
  pqxx::stream_to stream(
      txn, "change_item",
      std::vector<std::string>{"run_id", "kind", "mandate_id", "reason", "map_id", "policy_file",
                               "policy_line", "matched", "fingerprint", "employee_key"});
  for (const ProposedItem& item : plan.add) {
    stream << std::make_tuple(run_id, "grant", item.mandate, item.reason, item.provenance.map_id,
                              item.provenance.rule.file, item.provenance.rule.line,
                              std::string("[{\"attribute\": \"department\", \"value\": \"x\"}]"),
                              item.fingerprint, item.employee_key);
  }
  stream.complete();
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_bench CONNINFO [items]\n");
    return 64;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int items = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int employees = items / 2;
  pqxx::connection c(argv[1]);
  migrate(c);
  long long run_id = 0;
  {
    pqxx::work setup(c);
    run_id = setup
                 .exec1(
                     "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, "
                     "entries_read, items_added, items_superseded) VALUES "
                     "(now(), 'bench', true, 0, 0, 0) RETURNING id")[0]
                 .as<long long>();
    setup.exec(
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, "
        "max_validity_days, renewal_notice_days) SELECT 'theme-' || g, 'Teema ' || g, "
        "'Kela', true, 730, 60 FROM generate_series(0, 49) g");
    setup.exec_params(
        "INSERT INTO employee (key, account, display_name, department) "
        "SELECT 'emp-' || g, 'user' || g, 'Etunimi Sukunimi ' || g, 'Toimiala' "
        "FROM generate_series(0, $1 - 1) g",
        employees);
    setup.commit();
  }
  const Plan plan = make_plan(items, employees);
  for (int round = 0; round < 3; ++round) {
    double raw = 0, ours = 0;
    {
      pqxx::work txn(c);
      raw = seconds([&] { raw_copy(txn, run_id, plan); });
      txn.abort();
    }
    {
      pqxx::work txn(c);
      ours = seconds([&] { write_plan_items(txn, run_id, plan); });
      if (round < 2)
        txn.abort();
      else
        txn.commit();
    }
    std::printf("round %d: %d items: raw COPY %.3f s, write_plan_items %.3f s (%.2fx)\n", round,
                items, raw, ours, ours / raw);
  }
  // A reviewer lists 10,000 pending items, then approves 1,000 in one command.
  long long first_id = 0;
  {
    pqxx::work txn(c);
    first_id = txn.exec1("SELECT min(id) FROM change_item")[0].as<long long>();
    txn.exec_params(
        "UPDATE change_item SET state = 'superseded', version = version + 1 "
        "WHERE id >= $1",
        first_id + 10000);
    txn.commit();
  }
  std::size_t listed = 0;
  const double list = seconds([&] { listed = list_items(c, ItemFilter{}).size(); });
  const double approve = seconds([&] {
    std::vector<ItemVersion> batch;
    for (long long id = first_id; id < first_id + 1000; ++id) batch.push_back({id, 1});
    pqxx::work txn(c);
    approve_items(txn, batch);  // what `valtuusctl approve ID@V ...` runs
    txn.commit();
  });
  std::printf("list %zu pending items: %.3f s; approve 1000 in one transaction: %.3f s\n", listed,
              list, approve);
  return 0;
}
