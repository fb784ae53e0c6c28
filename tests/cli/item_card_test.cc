// valtuusctl's execution card: the person is named as Suomi.fi asks for them.
#include "cli/item_card.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace valtuus {
namespace {

std::string card_of(const ItemDetail& item) {
  std::ostringstream out;
  print_item_card(out, item);
  return out.str();
}

// A name the directory lacks is said to be missing, not left as "first name ,".
TEST(ItemCardTest, APersonsMissingNameIsSaidToBeMissing) {
  ItemDetail item;
  item.row.id = 7;
  item.row.kind = "grant";
  item.row.state = "approved";
  item.surname = "Mäkinen";
  const std::string card = card_of(item);
  EXPECT_NE(card.find("surname Mäkinen, first name (not in the directory: ask the person or HR), "
                      "personal identity code (valtuusctl reveal 7)"),
            std::string::npos)
      << card;
  item.given_name = "Matti";
  EXPECT_NE(card_of(item).find("surname Mäkinen, first name Matti, personal identity code"),
            std::string::npos)
      << card_of(item);
}

}  // namespace
}  // namespace valtuus
