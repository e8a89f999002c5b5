#include "backend/postgres/libpq_loader.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include <libpq-fe.h>
#include <libpq/libpq-fs.h>

#include "core/error.hpp"

#ifndef MIGRATE_LAZY_LIBPQ
// libpq is linked the usual way (no static libpqxx was found at build time): nothing to load.
void migrate::backend::postgres::require_libpq() {}
#else

// Every libpq function that libpqxx or this backend calls: return type, name, parameters,
// arguments. A function missing here fails the link (libpqxx is static and libpq is not
// linked), and a wrong signature fails the compile (libpq-fe.h declares each one).
#define MIGRATE_LIBPQ_FUNCTIONS(X) \
  X(int, PQbackendPID, (const PGconn* conn), (conn)) \
  X(int, PQcancel, (PGcancel* cancel, char* errbuf, int errbufsize), (cancel, errbuf, errbufsize)) \
  X(void, PQclear, (PGresult* res), (res)) \
  X(int, PQclientEncoding, (const PGconn* conn), (conn)) \
  X(char*, PQcmdStatus, (PGresult* res), (res)) \
  X(char*, PQcmdTuples, (PGresult* res), (res)) \
  X(PostgresPollingStatusType, PQconnectPoll, (PGconn* conn), (conn)) \
  X(PGconn*, PQconnectStart, (const char* conninfo), (conninfo)) \
  X(PGconn*, PQconnectdb, (const char* conninfo), (conninfo)) \
  X(void, PQconninfoFree, (PQconninfoOption* options), (options)) \
  X(PQconninfoOption*, PQconninfoParse, (const char* conninfo, char** errmsg), (conninfo, errmsg)) \
  X(int, PQconsumeInput, (PGconn* conn), (conn)) \
  X(char*, PQdb, (const PGconn* conn), (conn)) \
  X(char*, PQencryptPassword, (const char* passwd, const char* user), (passwd, user)) \
  X(int, PQendcopy, (PGconn* conn), (conn)) \
  X(char*, PQerrorMessage, (const PGconn* conn), (conn)) \
  X(unsigned char*, PQescapeByteaConn, (PGconn* conn, const unsigned char* from, size_t from_length, size_t* to_length), (conn, from, from_length, to_length)) \
  X(char*, PQescapeIdentifier, (PGconn* conn, const char* str, size_t len), (conn, str, len)) \
  X(char*, PQescapeLiteral, (PGconn* conn, const char* str, size_t len), (conn, str, len)) \
  X(size_t, PQescapeStringConn, (PGconn* conn, char* to, const char* from, size_t length, int* error), (conn, to, from, length, error)) \
  X(PGresult*, PQexec, (PGconn* conn, const char* query), (conn, query)) \
  X(PGresult*, PQexecParams, (PGconn* conn, const char* command, int nParams, const Oid* paramTypes, const char* const* paramValues, const int* paramLengths, const int* paramFormats, int resultFormat), (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
  X(PGresult*, PQexecPrepared, (PGconn* conn, const char* stmtName, int nParams, const char* const* paramValues, const int* paramLengths, const int* paramFormats, int resultFormat), (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat)) \
  X(void, PQfinish, (PGconn* conn), (conn)) \
  X(char*, PQfname, (const PGresult* res, int field_num), (res, field_num)) \
  X(int, PQfnumber, (const PGresult* res, const char* field_name), (res, field_name)) \
  X(void, PQfreeCancel, (PGcancel* cancel), (cancel)) \
  X(void, PQfreemem, (void* ptr), (ptr)) \
  X(Oid, PQftable, (const PGresult* res, int field_num), (res, field_num)) \
  X(int, PQftablecol, (const PGresult* res, int field_num), (res, field_num)) \
  X(Oid, PQftype, (const PGresult* res, int field_num), (res, field_num)) \
  X(PGcancel*, PQgetCancel, (PGconn* conn), (conn)) \
  X(int, PQgetCopyData, (PGconn* conn, char** buffer, int async), (conn, buffer, async)) \
  X(PGresult*, PQgetResult, (PGconn* conn), (conn)) \
  X(int, PQgetisnull, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num)) \
  X(int, PQgetlength, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num)) \
  X(char*, PQgetvalue, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num)) \
  X(char*, PQhost, (const PGconn* conn), (conn)) \
  X(int, PQisBusy, (PGconn* conn), (conn)) \
  X(int, PQisthreadsafe, (void), ()) \
  X(int, PQnfields, (const PGresult* res), (res)) \
  X(PGnotify*, PQnotifies, (PGconn* conn), (conn)) \
  X(int, PQntuples, (const PGresult* res), (res)) \
  X(Oid, PQoidValue, (const PGresult* res), (res)) \
  X(const char*, PQparameterStatus, (const PGconn* conn, const char* paramName), (conn, paramName)) \
  X(char*, PQpass, (const PGconn* conn), (conn)) \
  X(char*, PQport, (const PGconn* conn), (conn)) \
  X(PGresult*, PQprepare, (PGconn* conn, const char* stmtName, const char* query, int nParams, const Oid* paramTypes), (conn, stmtName, query, nParams, paramTypes)) \
  X(int, PQprotocolVersion, (const PGconn* conn), (conn)) \
  X(int, PQputCopyData, (PGconn* conn, const char* buffer, int nbytes), (conn, buffer, nbytes)) \
  X(int, PQputCopyEnd, (PGconn* conn, const char* errormsg), (conn, errormsg)) \
  X(void, PQreset, (PGconn* conn), (conn)) \
  X(char*, PQresultErrorField, (const PGresult* res, int fieldcode), (res, fieldcode)) \
  X(char*, PQresultErrorMessage, (const PGresult* res), (res)) \
  X(ExecStatusType, PQresultStatus, (const PGresult* res), (res)) \
  X(int, PQsendQuery, (PGconn* conn, const char* query), (conn, query)) \
  X(int, PQserverVersion, (const PGconn* conn), (conn)) \
  X(int, PQsetClientEncoding, (PGconn* conn, const char* encoding), (conn, encoding)) \
  X(PGVerbosity, PQsetErrorVerbosity, (PGconn* conn, PGVerbosity verbosity), (conn, verbosity)) \
  X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn* conn, PQnoticeProcessor proc, void* arg), (conn, proc, arg)) \
  X(PQnoticeReceiver, PQsetNoticeReceiver, (PGconn* conn, PQnoticeReceiver proc, void* arg), (conn, proc, arg)) \
  X(int, PQsocket, (const PGconn* conn), (conn)) \
  X(ConnStatusType, PQstatus, (const PGconn* conn), (conn)) \
  X(void, PQtrace, (PGconn* conn, FILE* debug_port), (conn, debug_port)) \
  X(PGTransactionStatusType, PQtransactionStatus, (const PGconn* conn), (conn)) \
  X(unsigned char*, PQunescapeBytea, (const unsigned char* strtext, size_t* retbuflen), (strtext, retbuflen)) \
  X(void, PQuntrace, (PGconn* conn), (conn)) \
  X(char*, PQuser, (const PGconn* conn), (conn)) \
  X(int, lo_close, (PGconn* conn, int fd), (conn, fd)) \
  X(Oid, lo_creat, (PGconn* conn, int mode), (conn, mode)) \
  X(int, lo_export, (PGconn* conn, Oid lobjId, const char* filename), (conn, lobjId, filename)) \
  X(Oid, lo_import, (PGconn* conn, const char* filename), (conn, filename)) \
  X(int, lo_lseek, (PGconn* conn, int fd, int offset, int whence), (conn, fd, offset, whence)) \
  X(int, lo_open, (PGconn* conn, Oid lobjId, int mode), (conn, lobjId, mode)) \
  X(int, lo_read, (PGconn* conn, int fd, char* buf, size_t len), (conn, fd, buf, len)) \
  X(int, lo_tell, (PGconn* conn, int fd), (conn, fd)) \
  X(int, lo_unlink, (PGconn* conn, Oid lobjId), (conn, lobjId)) \
  X(int, lo_write, (PGconn* conn, int fd, const char* buf, size_t len), (conn, fd, buf, len)) \
  X(const char*, pg_encoding_to_char, (int encoding), (encoding))

namespace migrate::backend::postgres {

namespace {

// The library's soname: the ABI this code was compiled against.
constexpr const char* k_libpq = "libpq.so.5";

struct Functions {
#define MIGRATE_LIBPQ_POINTER(ret, name, params, args) decltype(&::name) name = nullptr;
  MIGRATE_LIBPQ_FUNCTIONS(MIGRATE_LIBPQ_POINTER)
#undef MIGRATE_LIBPQ_POINTER
};

Functions g_functions;
std::once_flag g_loaded;

[[noreturn]] void fail(const std::string& what) {
  throw Error(ErrorKind::database, "Cannot use PostgreSQL: " + what,
              "install PostgreSQL's client library (Debian and Ubuntu: apt-get install libpq5)");
}

template <typename Pointer>
void resolve(void* library, const std::string& library_name, Pointer& slot, const char* name) {
  slot = reinterpret_cast<Pointer>(dlsym(library, name));
  if (!slot) fail(library_name + " has no function " + name + " (a libpq older than version 10?)");
}

// MIGRATE_LIBPQ names another build of the library (a path, or a name the loader searches).
std::string library_name() {
  const char* chosen = std::getenv("MIGRATE_LIBPQ");
  return chosen && *chosen ? chosen : k_libpq;
}

void load() {
  const std::string file = library_name();
  // RTLD_LOCAL: libpq's symbols must not interpose on anything else in the process.
  void* library = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    fail("cannot load " + file + (why ? std::string(": ") + why : std::string()));
  }
  // Never closed: libpq keeps state (SSL, connections) until the process ends.
#define MIGRATE_LIBPQ_RESOLVE(ret, name, params, args) resolve(library, file, g_functions.name, #name);
  MIGRATE_LIBPQ_FUNCTIONS(MIGRATE_LIBPQ_RESOLVE)
#undef MIGRATE_LIBPQ_RESOLVE
}

const Functions& functions() {
  std::call_once(g_loaded, load);  // a failed load throws and is tried again next time
  return g_functions;
}

}  // namespace

void require_libpq() { functions(); }

}  // namespace migrate::backend::postgres

// The definitions libpqxx and the backend link against: each forwards to the loaded library.
#define MIGRATE_LIBPQ_FORWARD(ret, name, params, args) \
  extern "C" ret name params { return migrate::backend::postgres::functions().name args; }
MIGRATE_LIBPQ_FUNCTIONS(MIGRATE_LIBPQ_FORWARD)
#undef MIGRATE_LIBPQ_FORWARD

#endif  // MIGRATE_LAZY_LIBPQ
