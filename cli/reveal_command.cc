// valtuusctl reveal ITEM: the personal identity code of an item's person, which the person
// granting the mandate types into Suomi.fi. Every reveal is recorded in the audit trail first
// (committed), and only then is the sealed code read and decrypted here with the key file:
// the database never holds the key, and never the code in the clear.
#include "cli/command.h"
#include "cli/item_ref.h"
#include "common/identity_crypto.h"
#include "common/identity_options.h"
#include "connectors/postgres/identity_codes.h"
#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

int reveal(CommandContext& ctx) {
  po::options_description options("reveal");
  options.add_options()("item", po::value<std::string>(), "the item's ID (or ID@VERSION)");
  po::positional_options_description positional;
  positional.add("item", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  if (!values.count("item")) throw UsageError("reveal needs an item: ID");
  const ItemRef ref = parse_item_ref(values["item"].as<std::string>());
  // The key first: without it a reveal would be recorded for nothing.
  const IdentityOptions identity = identity_options_from(ctx.config.values);
  if (identity.key_file.empty()) {
    throw ConfigError("identity.key_file: missing; revealing an identity code needs the key file");
  }
  const auto crypto = load_identity_crypto(identity);

  auto store = open_database(ctx);
  const RevealedIdentityCode revealed = reveal_identity_code(*store, ref.id);
  const std::string code = crypto->open(revealed.employee_key, revealed.sealed);
  ctx.out << revealed.display_name << " (" << revealed.account << "): " << code << '\n'
          << "This reveal is recorded in the audit trail (event " << revealed.audit_event << ").\n";
  return 0;
}

}  // namespace

std::vector<Command> reveal_commands() {
  return {
      {{"reveal"}, "the personal identity code of an item's person (audited)", reveal},
  };
}

}  // namespace valtuus
