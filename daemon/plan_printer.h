// Prints a plan for a person, Terraform-style: revocations first, then the rest.
#pragma once

#include <ostream>

#include "core/change_item.h"

namespace valtuus {

void print_plan(std::ostream& out, const Plan& plan);

}  // namespace valtuus
