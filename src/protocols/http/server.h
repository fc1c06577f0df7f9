// The HTTP/1.1 server on Boost.Beast/Asio: asynchronous, keep-alive, one io_context run by N
// threads, with limits on header and body size and timeouts for slow or idle clients. Requests
// the handler marks as blocking (writes that wait for a durable commit) run on a separate pool
// so they never stall the network threads. Thread-safe; Stop() is graceful.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "protocols/http/message.h"

namespace amiplace::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 2;
  int blocking_threads = 32;
  size_t header_limit = 64 * 1024;
  size_t body_limit = 12 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{75};
  // Extra listeners (e.g. the metadata service on other addresses) may be added later.
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Whether Handle may block (database writes); such requests run off the network threads.
  virtual bool IsBlocking(const Request& req) const = 0;
  virtual Response Handle(Request& req) = 0;
  // The answer to a request refused before it was read whole (413 body too large, 431 headers
  // too large, 400 unparsable); `req` has what was read of the headers.
  virtual Response Refuse(const Request& req, int status, std::string message) = 0;
};

class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();

  // Binds and starts listening; returns the bound port (useful with port 0).
  Result<unsigned short> Start();
  // Stops accepting, lets in-flight requests finish (up to `grace`), then stops the threads.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 struct Impl;  // public so that the sessions in server.cc can reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace amiplace::http
