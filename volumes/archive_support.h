// libarchive handles and error checks shared by volume export and import (volumes/ only).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

#include "util/error.h"
#include "volumes/volume_record.h"

namespace berth::volumes::archive_support {

struct ArchiveFree {
  void operator()(archive* a) const { archive_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryFree>;
struct ResolverFree {
  void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};

[[noreturn]] inline void archive_failed(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  throw Error(what + ": " + (msg ? msg : "unknown error"));
}

inline void check(archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) archive_failed(a, what);
}

// Export and import work on data berth keeps itself, not on a mount made from driver_opts.
inline void check_plain(const VolumeRecord& record, const std::string& verb) {
  if (!record.driver_opts.empty())
    throw Error("cannot " + verb + " volume '" + record.name + "': its data is a mount (driver_opts)",
                "export and import work on volumes whose data berth keeps itself");
}

}  // namespace berth::volumes::archive_support
