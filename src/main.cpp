#include "cli/app.hpp"

int main(int argc, char** argv) { return migrate::cli::run(argc, argv); }
