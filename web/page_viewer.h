// Which parts of the console the layout offers a logged-in person, from their session's roles.
#pragma once

#include "pages/page_renderer.h"
#include "web/session_store.h"

namespace valtuus {

// Staff (reviewer, security, admin) see the queue and the runs; security and admin the
// security pages; reviewers and admin the theme requests; an employee their own pages.
PageViewer page_viewer(const WebSession& session);

}  // namespace valtuus
