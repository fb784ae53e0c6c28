// The execution card of one change item: who, what, why, which path, and the exact steps to
// take by hand in Suomi.fi. The identity code appears only masked here (valtuusctl reveal).
#pragma once

#include <ostream>

#include "connectors/postgres/item_detail.h"

namespace valtuus {

void print_item_card(std::ostream& out, const ItemDetail& item);

}  // namespace valtuus
