"""XML-RPC to a supervisord with Python's standard library only.

Python Supervisor's clients reach the daemon through xmlrpc.client with
a transport for its Unix socket (supervisor.xmlrpc.SupervisorTransport,
used by supervisorctl and childutils.getRPCInterface). This is the same
thing without the supervisor package, so the tests need only python3.

    proxy = server_proxy("unix:///tmp/x/sv.sock")
    proxy.supervisor.getState()
    proxy = server_proxy("http://127.0.0.1:9001", "user", "123")
"""

import base64
import http.client
import socket
import xmlrpc.client


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class Transport(xmlrpc.client.Transport):
    """One keep-alive HTTP connection to SERVERURL (unix:// or http://),
    with Basic auth when a username is given."""

    def __init__(self, serverurl, username=None, password=None, timeout=30):
        super().__init__()
        self._serverurl = serverurl
        self._timeout = timeout
        self._auth = None
        if username is not None:
            token = base64.b64encode(("%s:%s" % (username, password or "")).encode())
            self._auth = "Basic " + token.decode()

    def make_connection(self, host):
        if self._connection[1] is not None:
            return self._connection[1]
        if self._serverurl.startswith("unix://"):
            conn = _UnixHTTPConnection(self._serverurl[len("unix://"):], self._timeout)
        else:
            hostport = self._serverurl[len("http://"):].rstrip("/")
            conn = http.client.HTTPConnection(hostport, timeout=self._timeout)
        self._connection = (host, conn)
        return conn

    def send_headers(self, connection, headers):
        if self._auth:
            connection.putheader("Authorization", self._auth)
        super().send_headers(connection, headers)


def server_proxy(serverurl, username=None, password=None, timeout=30):
    # The URL given to ServerProxy only names the handler (/RPC2); the
    # transport decides where the bytes go, as childutils does.
    return xmlrpc.client.ServerProxy("http://127.0.0.1/RPC2",
                                     Transport(serverurl, username, password, timeout))
