"""Reading and writing the golden vector files (PROTOCOL.md 10) for the scripts beside this one."""
import json

V = 'protocol/src/test/resources/vectors/'


def dumps(o):
    return json.dumps(o, separators=(',', ':'))


def save(path, data):
    with open(path, 'w') as f:
        json.dump(data, f, indent=2)
        f.write('\n')


def add_case(method, name, payload):
    path = V + 'methods/%s.json' % method
    data = json.load(open(path))
    frame = dumps({method: payload})
    data['cases'] = [c for c in data['cases'] if c['name'] != name] + [{"name": name, "frame": frame, "canonical": frame}]
    save(path, data)


def add_reject(reason, name, method, payload):
    path = V + 'rejections/%s.json' % reason
    data = json.load(open(path))
    data['cases'] = [c for c in data['cases'] if c['name'] != name] + [{"name": name, "frame": dumps({method: payload})}]
    save(path, data)
