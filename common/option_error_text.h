// The message of a Boost.Program_options error, safe to build whatever text the error quotes.
#pragma once

#include <boost/program_options/errors.hpp>
#include <string>

namespace valtuus {

// Boost builds an option error's message by replacing each %placeholder% of its template
// until none is left, starting again from the beginning after each replacement. An option
// name or value that itself holds a placeholder (any text of a file or a command line, such
// as "%value%") is replaced by itself forever. This writes each '%' of the quoted texts as
// "%25" first, so that the message always ends; it changes the error it is given.
std::string option_error_text(boost::program_options::error& error);

}  // namespace valtuus
