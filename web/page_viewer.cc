#include "web/page_viewer.h"

namespace valtuus {

PageViewer page_viewer(const WebSession& session) {
  PageViewer viewer;
  viewer.display_name = session.display_name;
  viewer.csrf = session.csrf;
  viewer.is_staff = session.is_staff();
  viewer.sees_reports = session.has_role("security") || session.has_role("admin");
  viewer.is_employee = !session.employee_ref.empty();
  viewer.decides = session.has_role("reviewer") || session.has_role("admin");
  return viewer;
}

}  // namespace valtuus
