// valtuusctl audit verify [--anchor FILE] | audit anchor: the audit trail's hash chain, and
// anchors of its head kept outside the database (docs/audit-anchors.md). The chain finds an
// edited or removed event in the middle; only an anchor finds a removed tail, or a trail a
// superuser rewrote and chained again.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "common/exit_codes.h"
#include "connectors/postgres/audit.h"
#include "core/audit_anchor.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

// An anchor file holds one short line per anchor taken; a file larger than this is not one.
constexpr std::streamsize kMaxAnchorFileBytes = 4 * 1024 * 1024;

int audit_verify(CommandContext& ctx) {
  po::options_description options("audit verify");
  options.add_options()("anchor", po::value<std::string>(),
                        "a file of anchors (`valtuusctl audit anchor` lines): each anchored "
                        "event must still be there, unchanged");
  const auto values = parse_command_options(ctx, options);
  std::vector<AuditAnchor> anchors;
  if (values.count("anchor")) {
    const std::string file = values["anchor"].as<std::string>();
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || in.bad() || static_cast<std::streamsize>(text.str().size()) > kMaxAnchorFileBytes) {
      std::cerr << "valtuusctl: " << file << ": cannot read the anchor file\n";
      return kExitUsage;
    }
    const AnchorFile parsed = parse_audit_anchors(text.str());
    for (const AnchorProblem& problem : parsed.problems)
      std::cerr << file << ":" << problem.line << ": " << problem.message << '\n';
    if (!parsed.problems.empty()) return kExitDataError;
    anchors = parsed.anchors;
  }
  auto store = open_database(ctx);
  const AuditCheck check = check_audit_trail(*store, anchors);
  if (check.problems.empty()) {
    ctx.out << "audit trail intact: " << check.events << " events, hash chain verified";
    if (!anchors.empty()) ctx.out << ", " << anchors.size() << " anchor(s) match";
    ctx.out << '\n';
    return kExitOk;
  }
  for (const std::string& problem : check.problems) ctx.out << problem << '\n';
  ctx.out << "AUDIT TRAIL BROKEN: " << check.problems.size() << " problem(s) in " << check.events
          << " events\n";
  return kExitFailure;
}

int audit_anchor(CommandContext& ctx) {
  parse_command_options(ctx, po::options_description("audit anchor"));
  auto store = open_database(ctx);
  const auto head = audit_head(*store);
  if (!head) {
    std::cerr << "valtuusctl: the audit trail is empty; there is nothing to anchor yet\n";
    return kExitFailure;
  }
  ctx.out << format_audit_anchor(head->event, head->hash, head->at) << '\n';
  return kExitOk;
}

}  // namespace

std::vector<Command> audit_commands() {
  return {
      {{"audit", "verify"},
       "[--anchor FILE]: check the audit trail's hash chain and the anchors in FILE",
       audit_verify},
      {{"audit", "anchor"},
       "print the newest event's id and hash, to keep outside the database (append it to a file)",
       audit_anchor},
  };
}

}  // namespace valtuus
