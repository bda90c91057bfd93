"""Print the wire descriptors shipped in an openshell wheel's _proto/*_pb2.py as JSON.

usage: python dump-descriptors.py PROTO_DIR  (PROTO_DIR = .../site-packages/openshell/_proto)
Output: {"files": [...], "messages": {"pkg.Msg": {"fields": {name: {number, type, type_name, label}}}},
         "enums": {"pkg.Enum": {NAME: number}}, "services": {"pkg.Svc": {Method: {input, output, server_streaming}}}}
"""
import importlib.util, json, os, sys
from google.protobuf import descriptor_pb2, descriptor_pool

proto_dir = sys.argv[1]
pkg_root = os.path.dirname(os.path.dirname(proto_dir))  # dir containing `openshell/`
sys.path.insert(0, pkg_root)
for mod in list(sys.modules):
    if mod == 'openshell' or mod.startswith('openshell.'):
        del sys.modules[mod]
import importlib, types
# a synthetic package, so the SDK's own openshell/__init__.py (and any installed openshell) is not imported
for name, path in (('openshell', os.path.join(pkg_root, 'openshell')), ('openshell._proto', proto_dir)):
    m = types.ModuleType(name); m.__path__ = [path]; sys.modules[name] = m
files = sorted(f[:-3] for f in os.listdir(proto_dir) if f.endswith('_pb2.py'))
for f in files:
    importlib.import_module('openshell._proto.' + f)
pool = descriptor_pool.Default()
TYPES = {v: k[5:].lower() for k, v in descriptor_pb2.FieldDescriptorProto.Type.items()}
LABELS = {v: k[6:].lower() for k, v in descriptor_pb2.FieldDescriptorProto.Label.items()}
out = {"files": [], "messages": {}, "enums": {}, "services": {}}
seen = set()
def walk_msg(prefix, m):
    full = f"{prefix}.{m.name}"
    out["messages"][full] = {"fields": {f.name: {"number": f.number, "type": TYPES[f.type],
        "type_name": f.type_name.lstrip('.'), "label": LABELS[f.label],
        "oneof": (m.oneof_decl[f.oneof_index].name if f.HasField('oneof_index') else None)} for f in m.field},
        "map_entry": m.options.map_entry}
    for n in m.nested_type: walk_msg(full, n)
    for e in m.enum_type: out["enums"][f"{full}.{e.name}"] = {v.name: v.number for v in e.value}
for f in files:
    mod = sys.modules['openshell._proto.' + f]
    fdp = descriptor_pb2.FileDescriptorProto()
    mod.DESCRIPTOR.CopyToProto(fdp)
    out["files"].append(fdp.name)
    for m in fdp.message_type: walk_msg(fdp.package, m)
    for e in fdp.enum_type: out["enums"][f"{fdp.package}.{e.name}"] = {v.name: v.number for v in e.value}
    for s in fdp.service:
        out["services"][f"{fdp.package}.{s.name}"] = {m.name: {"input": m.input_type.lstrip('.'),
            "output": m.output_type.lstrip('.'), "server_streaming": m.server_streaming} for m in s.method}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
