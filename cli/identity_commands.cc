// valtuusctl reveal ITEM: the personal identity code of an item's person, which the person
// granting the mandate types into Suomi.fi. Every reveal is recorded in the audit trail first
// (committed), and only then is the sealed code read and decrypted here with the key file:
// the database never holds the key, and never the code in the clear.
#include <pqxx/pqxx>

#include "cli/command.h"
#include "cli/item_ref.h"
#include "common/identity_crypto.h"
#include "common/identity_options.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/postgres_options.h"
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

  auto connection = open_database(ctx);
  long long event = 0;
  {
    pqxx::work txn(*connection);
    event = txn.exec_params1("SELECT reveal_identity_code($1)", ref.id)[0].as<long long>();
    txn.commit();
  }
  pqxx::read_transaction txn(*connection);
  const auto row = txn.exec_params1(
      "SELECT employee_key, display_name, account, ciphertext, nonce "
      "FROM revealed_identity_code($1)",
      event);
  const pqxx::binarystring ciphertext(row[3]), nonce(row[4]);
  const SealedIdentityCode sealed{Bytes(ciphertext.begin(), ciphertext.end()),
                                  Bytes(nonce.begin(), nonce.end())};
  const std::string code = crypto->open(row[0].as<std::string>(), sealed);
  ctx.out << row[1].as<std::string>() << " (" << row[2].as<std::string>() << "): " << code << '\n'
          << "This reveal is recorded in the audit trail (event " << event << ").\n";
  return 0;
}

}  // namespace

std::vector<Command> identity_commands() {
  return {
      {{"reveal"}, "the personal identity code of an item's person (audited)", reveal},
  };
}

}  // namespace valtuus
