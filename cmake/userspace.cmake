# Flags every userspace target gets: link keel_user_flags.
#
# Optimisation follows CMAKE_BUILD_TYPE (Release for benchmarks, see controld/bench); with
# none given, userspace builds -O1 -g, which keeps the sanitizers' reports readable.
# Hardening for everything that ends up in the daemons listening on sockets (keel-controld,
# keel-xenstored and the libraries they link): fortified libc calls, stack protector, PIE,
# full RELRO. _FORTIFY_SOURCE needs optimisation, so a Debug build goes without it.
add_library(keel_user_flags INTERFACE)
target_compile_features(keel_user_flags INTERFACE c_std_11)
target_compile_options(keel_user_flags INTERFACE
  -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wmissing-prototypes
  $<$<CONFIG:>:-O1 -g>
  -fstack-protector-strong -fPIE
  $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
target_link_options(keel_user_flags INTERFACE -pie -Wl,-z,relro,-z,now)
if(KEEL_SANITIZE)
  target_compile_options(keel_user_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(keel_user_flags INTERFACE -fsanitize=address,undefined)
endif()

# Keel's public hypercall ABI for the toolstack: #include <public/keel/domctl.h>.
add_library(keel_public_abi INTERFACE)
target_include_directories(keel_public_abi INTERFACE ${CMAKE_SOURCE_DIR}/hypervisor/include)

find_package(PkgConfig REQUIRED)
