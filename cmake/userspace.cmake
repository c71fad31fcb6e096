# Flags every userspace target gets: link keel_user_flags.
add_library(keel_user_flags INTERFACE)
target_compile_features(keel_user_flags INTERFACE c_std_11)
target_compile_options(keel_user_flags INTERFACE
  -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g)
if(KEEL_SANITIZE)
  target_compile_options(keel_user_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(keel_user_flags INTERFACE -fsanitize=address,undefined)
endif()

find_package(PkgConfig REQUIRED)
