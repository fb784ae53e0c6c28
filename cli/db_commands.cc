// valtuusctl db migrate | db status: the schema's version and its upgrades.
#include "cli/command.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/postgres_options.h"

namespace valtuus {

namespace {

int db_migrate(CommandContext& ctx) {
  parse_command_options(ctx, boost::program_options::options_description("db migrate"));
  auto connection = connect_database(database_options_from(ctx.config.values));
  const auto applied = migrate(*connection);
  for (const std::string& name : applied) ctx.out << "applied " << name << '\n';
  ctx.out << "schema version " << expected_schema_version()
          << (applied.empty() ? " (already up to date)" : "") << '\n';
  return 0;
}

int db_status(CommandContext& ctx) {
  parse_command_options(ctx, boost::program_options::options_description("db status"));
  auto connection = connect_database(database_options_from(ctx.config.values));
  const SchemaStatus status = schema_status(*connection);
  ctx.out << "schema version " << status.current << ", this program expects " << status.expected
          << '\n';
  for (const std::string& line : status.applied) ctx.out << "  " << line << '\n';
  if (status.current == status.expected) return 0;
  ctx.out << (status.current < status.expected ? "run `valtuusctl db migrate`\n"
                                               : "the database is newer than this program\n");
  return 1;
}

}  // namespace

std::vector<Command> db_commands() {
  return {
      {{"db", "migrate"}, "apply the database migrations this program knows", db_migrate},
      {{"db", "status"}, "show the schema version and the migrations applied", db_status},
  };
}

}  // namespace valtuus
