"""nginx for the benchmark: its own config, pid file, logs and temp dirs in a private directory.

The system nginx (its config, its service) is never touched: we run the binary with -p/-c/-e pointing
into our directory, in the foreground (daemon off), so the process we start *is* the master and we stop
it by that pid. One server block per host: 127.0.0.1:(base_port + h) serves SITE/h<h>.
"""
import os
import resource
import signal
import socket
import subprocess
import time

CONF = """\
worker_processes 2;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html; text/plain txt; application/pdf pdf; image/png png; }}
    default_type application/octet-stream;
    charset utf-8;
    log_format bench '$server_port $request_method $request_uri $status $body_bytes_sent';
    access_log {d}/access.log bench buffer=256k flush=2s;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    open_file_cache max={cache} inactive=120s;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{servers}}}
"""
SERVER = "    server {{ listen 127.0.0.1:{port}; root {root}; }}\n"


def open_file_cache_size():
    """Entries of nginx's open_file_cache per worker. Each cached file holds a descriptor, so the cache
    must stay below the worker's descriptor limit (with room for connections and logs): at 100,000
    pages a cache of 60,000 under a 20,000 limit made nginx fail requests with EMFILE (500s)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    return max(256, min(60000, soft - 4096))


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def cpu_seconds_of(pid):
    """user+sys seconds of one live process, from /proc (0 if it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children_of(pid):
    kids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(name))
            except (OSError, IndexError, ValueError):
                pass
    return kids


class Nginx:
    def __init__(self, nginx_bin, site_dir, ports, run_dir):
        self.bin, self.site, self.ports, self.dir = nginx_bin, site_dir, ports, run_dir
        self.proc = None

    @property
    def access_log(self):
        return os.path.join(self.dir, "access.log")

    def start(self, timeout=10.0):
        os.makedirs(self.dir, exist_ok=True)
        for p in self.ports:
            if not port_free(p):
                raise RuntimeError("port %d on 127.0.0.1 is taken" % p)
        servers = "".join(SERVER.format(port=p, root=os.path.join(self.site, "h%d" % h))
                          for h, p in enumerate(self.ports))
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(CONF.format(d=self.dir, servers=servers, cache=open_file_cache_size()))
        err = open(os.path.join(self.dir, "stderr.log"), "w")
        self.proc = subprocess.Popen([self.bin, "-p", self.dir, "-c", conf, "-e", os.path.join(self.dir, "error.log")],
                                     stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        deadline = time.monotonic() + timeout
        pending = list(self.ports)
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited at start: " + open(err.name).read()[-2000:])
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("nginx did not listen on all ports within %.0fs" % timeout)
            try:
                with socket.create_connection(("127.0.0.1", pending[0]), timeout=0.5):
                    pending.pop(0)
            except OSError:
                time.sleep(0.05)

    def stop(self):
        """Graceful stop (SIGQUIT flushes the access log), by the master's pid; returns the server's CPU
        seconds (master + workers) over its life."""
        if self.proc is None:
            return 0.0
        pid = self.proc.pid
        workers = children_of(pid)
        cpu = cpu_seconds_of(pid) + sum(cpu_seconds_of(w) for w in workers)
        os.kill(pid, signal.SIGQUIT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        self.proc = None
        return cpu
