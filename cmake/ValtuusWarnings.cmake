# Warning and sanitizer flags for every target of ours, applied through one interface target
# so that no directory has to repeat them.
add_library(valtuus_build_flags INTERFACE)
target_compile_options(valtuus_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                     -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
if(VALTUUS_WERROR)
  target_compile_options(valtuus_build_flags INTERFACE -Werror)
endif()
if(VALTUUS_SANITIZE)
  target_compile_options(valtuus_build_flags INTERFACE -fsanitize=address,undefined
                                                       -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(valtuus_build_flags INTERFACE -fsanitize=address,undefined)
endif()
