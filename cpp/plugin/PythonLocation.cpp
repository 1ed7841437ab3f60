//===- PythonLocation.cpp - the Python this plugin was installed with -----===//
#include "PythonLocation.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <climits>
#include <cstdlib>
#include <dlfcn.h>
#include <string>
#include <vector>

using namespace llvm;

namespace passlm {
namespace {

std::string parentOf(StringRef Path) { return sys::path::parent_path(Path).str(); }

std::string join(StringRef Folder, StringRef Name) {
  SmallString<256> Path(Folder);
  sys::path::append(Path, Name);
  return std::string(Path);
}

bool isExecutable(const std::string &Path) {
  return sys::fs::exists(Path) && sys::fs::can_execute(Path);
}

/// The value of `Key = value` in a pyvenv.cfg ("" when absent).
std::string configValue(StringRef Text, StringRef Key) {
  SmallVector<StringRef, 16> Lines;
  Text.split(Lines, '\n');
  for (StringRef Line : Lines) {
    auto [Name, Value] = Line.split('=');
    if (Name.trim() == Key && Line.contains('='))
      return Value.trim().str();
  }
  return "";
}

/// 'KEY': 'value' in a _sysconfigdata_*.py ("" when absent).
std::string sysconfigValue(StringRef Text, StringRef Key) {
  std::string Needle = "'" + Key.str() + "': '";
  size_t At = Text.find(Needle);
  if (At == StringRef::npos)
    return "";
  StringRef Rest = Text.drop_front(At + Needle.size());
  size_t End = Rest.find('\'');
  return End == StringRef::npos ? "" : Rest.take_front(End).str();
}

/// LIBDIR/INSTSONAME from the sysconfig data of the installation whose
/// standard library is StdLib ("" when none names an existing file).
std::string libpythonFromSysconfig(const std::string &StdLib) {
  std::error_code EC;
  std::vector<std::string> Candidates;
  for (sys::fs::directory_iterator It(StdLib, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    if (Name.starts_with("_sysconfigdata_") && Name.ends_with(".py"))
      Candidates.push_back(It->path());
  }
  for (const std::string &File : Candidates) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> Text = MemoryBuffer::getFile(File);
    if (!Text)
      continue;
    std::string LibDir = sysconfigValue((*Text)->getBuffer(), "LIBDIR");
    std::string SoName = sysconfigValue((*Text)->getBuffer(), "INSTSONAME");
    if (!LibDir.empty() && !SoName.empty() &&
        sys::fs::exists(join(LibDir, SoName)))
      return join(LibDir, SoName);
  }
  return "";
}

} // namespace

std::string pluginDirectory() {
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&pluginDirectory), &Info) ||
      !Info.dli_fname)
    return "";
  char Resolved[PATH_MAX];
  if (!realpath(Info.dli_fname, Resolved))
    return "";
  return parentOf(Resolved);
}

std::string installId() {
  std::string Folder = pluginDirectory();
  auto Digest = SHA256::hash(arrayRefFromStringRef(Folder));
  return toHex(Digest, /*LowerCase=*/true).substr(0, 12);
}

PythonLocation installedPython() {
  PythonLocation Found;
  std::string Package = pluginDirectory();
  if (Package.empty()) {
    Found.Error = "the loader does not say where the plugin is";
    return Found;
  }
  // Package = ROOT/lib/pythonX.Y/site-packages/passlm
  std::string Site = parentOf(Package);
  std::string StdLibName = sys::path::filename(parentOf(Site)).str();
  std::string Root = parentOf(parentOf(parentOf(Site)));
  if (!StringRef(StdLibName).starts_with("python3.") || Root.empty()) {
    Found.Error = "the plugin " + Package +
                  " is not in a site-packages folder (PREFIX/lib/python3.X/"
                  "site-packages/passlm); set PASSLM_PYTHON";
    return Found;
  }
  std::string BasePrefix = Root;
  std::string Config = join(Root, "pyvenv.cfg");
  if (ErrorOr<std::unique_ptr<MemoryBuffer>> Text = MemoryBuffer::getFile(Config)) {
    // A virtualenv: embed its python, so that sys.prefix is the venv.
    for (const char *Name : {StdLibName.c_str(), "python3", "python"})
      if (Found.Executable.empty() && isExecutable(join(join(Root, "bin"), Name)))
        Found.Executable = join(join(Root, "bin"), Name);
    std::string Home = configValue((*Text)->getBuffer(), "home");
    BasePrefix = Home.empty() ? "" : parentOf(Home);
    if (Found.Executable.empty())
      Found.Error = "the virtualenv " + Root + " has no bin/python3";
    else if (BasePrefix.empty() ||
             !sys::fs::is_directory(join(join(BasePrefix, "lib"), StdLibName)))
      Found.Error = "the Python the virtualenv " + Root +
                    " was made with is gone (" + Config + ": home = " + Home + ")";
  } else {
    // An installation's own site-packages; Debian's /usr/local/lib/python3.X
    // belongs to /usr/bin/python3.X.
    for (const std::string &Prefix : {Root, std::string("/usr")})
      if (Found.Executable.empty() &&
          (Prefix == Root || Root == "/usr/local") &&
          isExecutable(join(join(Prefix, "bin"), StdLibName))) {
        Found.Executable = join(join(Prefix, "bin"), StdLibName);
        BasePrefix = Prefix;
      }
    if (Found.Executable.empty())
      Found.Error = "no " + Config + " and no " + Root + "/bin/" + StdLibName +
                    " for the plugin " + Package;
  }
  if (Found.Error.empty())
    Found.LibPython = libpythonFromSysconfig(join(join(BasePrefix, "lib"), StdLibName));
  else
    Found.Executable.clear();
  return Found;
}

} // namespace passlm
