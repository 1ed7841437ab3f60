//===- Bridge.cpp - embedded CPython for the plugin (nanobind) -------------===//
//
// Loaded by libpasslm.so with dlopen after libpython is in the process.
// The interpreter is started with the CPython C API (nanobind has no
// embedding helper); then this library is imported as the extension module
// _passlm_bridge, which sets nanobind's internals up, and only after that is
// nanobind used (calling it earlier crashes: nanobind issue 1426).
// Python is never finalized: torch and numpy crash or break on it.
//
//===----------------------------------------------------------------------===//
#include "passlm_bridge.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace nb = nanobind;

namespace {

char *copyString(const std::string &Text) { return strdup(Text.c_str()); }

// Text of the pending Python exception as "Type: message", cleared.
std::string takePythonError() {
  PyObject *Type = nullptr, *Value = nullptr, *Trace = nullptr;
  PyErr_Fetch(&Type, &Value, &Trace);
  std::string Message = "unknown Python error";
  if (Type) {
    PyErr_NormalizeException(&Type, &Value, &Trace);
    PyObject *Name = PyObject_GetAttrString(Type, "__name__");
    PyObject *Text = Value ? PyObject_Str(Value) : nullptr;
    const char *N = Name ? PyUnicode_AsUTF8(Name) : nullptr;
    const char *T = Text ? PyUnicode_AsUTF8(Text) : nullptr;
    Message = std::string(N ? N : "Error") + ": " + (T ? T : "");
    Py_XDECREF(Name);
    Py_XDECREF(Text);
  }
  PyErr_Clear();
  Py_XDECREF(Type);
  Py_XDECREF(Value);
  Py_XDECREF(Trace);
  return Message;
}

// importlib.util: load this very library as the extension _passlm_bridge.
bool importSelf(const char *Path, std::string &Error) {
  PyObject *Name = PyUnicode_FromString("_passlm_bridge");
  PyObject *Loaded = PyImport_GetModule(Name);
  Py_DECREF(Name);
  if (Loaded) {
    Py_DECREF(Loaded);
    return true;
  }
  PyErr_Clear();
  PyObject *Util = PyImport_ImportModule("importlib.util");
  PyObject *Spec = Util ? PyObject_CallMethod(Util, "spec_from_file_location",
                                              "ss", "_passlm_bridge", Path)
                        : nullptr;
  PyObject *Module = Spec && Spec != Py_None
                         ? PyObject_CallMethod(Util, "module_from_spec", "O",
                                               Spec)
                         : nullptr;
  bool Ok = false;
  if (Module) {
    PyObject *Modules = PyImport_GetModuleDict(); // borrowed
    PyDict_SetItemString(Modules, "_passlm_bridge", Module);
    PyObject *Loader = PyObject_GetAttrString(Spec, "loader");
    PyObject *Done =
        Loader ? PyObject_CallMethod(Loader, "exec_module", "O", Module)
               : nullptr;
    Ok = Done != nullptr;
    Py_XDECREF(Done);
    Py_XDECREF(Loader);
  }
  if (!Ok)
    Error = "cannot import the bridge " + std::string(Path) + ": " +
            takePythonError();
  Py_XDECREF(Module);
  Py_XDECREF(Spec);
  Py_XDECREF(Util);
  return Ok;
}

} // namespace

extern "C" __attribute__((visibility("default"))) int
passlm_bridge_start(const char *BridgePath, const char *Executable,
                    char **Error) {
  bool Started = false;
  if (!Py_IsInitialized()) {
    // Isolated: no PYTHON* environment, no user site, no signal handlers
    // (the compiler owns signals); `executable` makes a venv's python give
    // sys.prefix = the venv, so its packages are found.
    PyConfig Config;
    PyConfig_InitIsolatedConfig(&Config);
    Config.install_signal_handlers = 0;
    Config.parse_argv = 0;
    PyStatus Status =
        PyConfig_SetBytesString(&Config, &Config.executable, Executable);
    if (!PyStatus_Exception(Status))
      Status = PyConfig_SetBytesString(&Config, &Config.program_name,
                                       Executable);
    if (!PyStatus_Exception(Status))
      Status = Py_InitializeFromConfig(&Config);
    PyConfig_Clear(&Config);
    if (PyStatus_Exception(Status)) {
      *Error = copyString(std::string("Python did not start: ") +
                          (Status.err_msg ? Status.err_msg : "unknown error"));
      return 1;
    }
    Started = true;
  }
  PyGILState_STATE GIL = PyGILState_Ensure();
  std::string Message;
  bool Ok = importSelf(BridgePath, Message);
  PyGILState_Release(GIL);
  if (Started)
    PyEval_SaveThread(); // from now on every call takes the GIL itself
  if (!Ok) {
    *Error = copyString(Message);
    return 1;
  }
  return 0;
}

extern "C" __attribute__((visibility("default"))) int
passlm_bridge_call(const char *Request, char **Response) {
  nb::gil_scoped_acquire GIL;
  try {
    nb::object Handle = nb::module_::import_("passlm.bridge").attr("handle");
    *Response = copyString(nb::cast<std::string>(Handle(nb::str(Request))));
    return 0;
  } catch (nb::python_error &E) {
    E.restore();
    *Response = copyString(takePythonError());
  } catch (const std::exception &E) {
    *Response = copyString(std::string("bridge error: ") + E.what());
  }
  return 1;
}

extern "C" __attribute__((visibility("default"))) void
passlm_bridge_free(char *Text) {
  free(Text);
}

NB_MODULE(_passlm_bridge, m) {
  m.doc() = "The embedded side of the passlm plugin (imported by the "
            "plugin itself; not for direct use).";
}
