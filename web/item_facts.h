// The facts of an item's card beyond its row, as valtuusctl show prints them, in the page's
// language: the person's title and standing, the theme's name in that language and its
// Suomi.fi URI, the path, the directory values the map matched, the current grant's end, and
// the run that holds it. Pure.
#pragma once

#include <kainjow/mustache.hpp>

#include "connectors/postgres/item_detail.h"
#include "pages/i18n.h"

namespace valtuus {

// Sets title, theme and suomifi_code in `values`, and left_at, path, matched, held_until,
// held_run and held_run_reason when they apply.
void add_item_facts(kainjow::mustache::data& values, const ItemDetail& item, Language language);

}  // namespace valtuus
