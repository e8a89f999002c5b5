#pragma once
/// libpq, PostgreSQL's client library, is loaded when the first PostgreSQL URL is used, not
/// when the process starts. Linked the usual way, libpq and the twenty libraries it needs
/// (TLS, Kerberos, LDAP, ...) cost every run about 4 ms of start-up and 6 MB of memory, SQLite
/// runs included. So libpqxx is linked statically and every libpq function it or this backend
/// calls is defined in libpq_loader.cpp as a forwarder to the library opened with dlopen().
///
/// Only this module knows; the rest of the backend calls libpq and libpqxx as usual.

namespace migrate::backend::postgres {

/// Loads libpq (once per process) and resolves every function the backend uses. Throws
/// Error{database} naming the library and the package to install when it cannot be loaded,
/// so a PostgreSQL URL fails like an unreachable server, and SQLite never needs libpq.
void require_libpq();

}  // namespace migrate::backend::postgres
