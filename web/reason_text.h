// Why an item exists, in the page's language: the daemon stores the reason as one English
// sentence (core/reconcile.cc) or the map's own words; the page says it in the reader's
// language around those words. A reason this does not recognise is shown as stored. Pure.
#pragma once

#include <string>

#include "connectors/postgres/item_detail.h"
#include "pages/i18n.h"

namespace valtuus {

std::string reason_text(const ItemDetail& item, Language language);

}  // namespace valtuus
