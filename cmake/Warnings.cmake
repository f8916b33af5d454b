# Shared compile flags for every target of ours.
add_library(sup_flags INTERFACE)
target_compile_options(sup_flags INTERFACE -Wall -Wextra -Wshadow=local -Wnon-virtual-dtor)
if(SUP_WERROR)
  target_compile_options(sup_flags INTERFACE -Werror)
endif()
if(SUP_SANITIZE)
  target_compile_options(sup_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
  target_link_options(sup_flags INTERFACE -fsanitize=address,undefined)
endif()
