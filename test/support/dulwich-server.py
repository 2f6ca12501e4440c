"""A real Dulwich smart-HTTP server for interop tests: serves the bare repositories under argv[1] at
http://127.0.0.1:<port>/<name>.git (dulwich.web over wsgiref) and prints the port once listening."""
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from dulwich.server import FileSystemBackend
from dulwich.web import make_wsgi_chain


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class RootBackend(FileSystemBackend):
    """URL paths are absolute; Dulwich joins them to the root only when relative."""

    def open_repository(self, path):
        return super().open_repository(path.lstrip("/"))


app = make_wsgi_chain(RootBackend(sys.argv[1]))
server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
print(server.server_address[1], flush=True)
server.serve_forever()
