//===- PythonLocation.h - the Python this plugin was installed with -------===//
//
// A wheel is built in one virtualenv and installed in another, so nothing
// about Python is recorded at build time. The plugin sits in the installed
// passlm package (SITE/passlm/libpasslm.so); from there:
//   - the virtualenv is SITE/../../.. when it holds a pyvenv.cfg (its python
//     gives the embedded interpreter sys.prefix = the venv, so SITE and the
//     venv's other packages are on sys.path); without one, SITE belongs to
//     the installation PREFIX/lib/pythonX.Y itself;
//   - the shared libpython is LIBDIR/INSTSONAME of the base installation
//     (pyvenv.cfg's home/..), read from its _sysconfigdata_*.py.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace passlm {

struct PythonLocation {
  std::string Executable; // the interpreter to embed
  std::string LibPython;  // its shared libpython; "" when its sysconfig data
                          // did not say (then ask Executable)
  std::string Error;      // why Executable is unknown; "" when found
};

/// The folder of this plugin, symbolic links resolved: the installed passlm
/// package ("" when the loader does not say).
std::string pluginDirectory();

/// This installation, as 12 hex digits: the start of the SHA-256 of
/// pluginDirectory() (python/passlm/paths.py install_id(): change together).
/// It names the install's own server socket.
std::string installId();

/// The Python whose site-packages hold this plugin's passlm package.
PythonLocation installedPython();

} // namespace passlm
