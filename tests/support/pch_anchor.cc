// The one source of valtuus_test_pch (cmake/ValtuusTest.cmake): a target needs a file to compile
// before its precompiled header can be reused by the test executables.
