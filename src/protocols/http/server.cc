#include "protocols/http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace amiplace::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

struct Server::Impl {
  Impl(ServerOptions o, Handler& h)
      : options(std::move(o)), handler(h), acceptor(ioc), pool(options.blocking_threads) {}

  ServerOptions options;
  Handler& handler;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::thread_pool pool;
  std::vector<std::thread> threads;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable idle_cv;

  void Accept();
  void RequestDone() {
    if (--in_flight == 0) {
      std::lock_guard lock(mu);
      idle_cv.notify_all();
    }
  }
};

namespace {

Request ToRequest(const bhttp::request_header<>& h, std::string body, const tcp::socket& sock) {
  Request r;
  r.method = std::string(h.method_string());
  r.target = std::string(h.target());
  r.headers.reserve(8);
  for (const auto& f : h) r.headers.push_back({std::string(f.name_string()), std::string(f.value())});
  r.body = std::move(body);
  boost::system::error_code ec;
  auto remote = sock.remote_endpoint(ec);
  if (!ec) r.remote_address = remote.address().to_string();
  auto local = sock.local_endpoint(ec);
  if (!ec) {
    r.local_address = local.address().to_string();
    r.local_port = local.port();
  }
  return r;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& impl) : stream_(std::move(socket)), impl_(impl) {}

  void Run() { DoRead(); }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(impl_.options.header_limit));
    parser_->body_limit(impl_.options.body_limit);
    stream_.expires_after(first_ ? impl_.options.read_timeout : impl_.options.idle_timeout);
    first_ = false;
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return Close();
    }
    if (ec) {
      int status = 400;
      std::string message = "The request could not be parsed as HTTP/1.1: " + ec.message();
      if (ec == bhttp::error::body_limit) {
        status = 413;
        message = fmt::format("The request body is larger than the limit of {} bytes",
                              impl_.options.body_limit);
      } else if (ec == bhttp::error::header_limit) {
        status = 431;
        message = fmt::format("The request headers are larger than the limit of {} bytes",
                              impl_.options.header_limit);
      }
      Request partial = ToRequest(parser_->get().base(), std::string(), stream_.socket());
      Response resp = impl_.handler.Refuse(partial, status, std::move(message));
      return Write(std::move(resp), false, false);
    }
    // The request is read whole: from here until the response is written it counts as in flight.
    stream_.expires_never();
    auto msg = parser_->release();
    bool keep_alive = msg.keep_alive() && !impl_.stopping;
    auto req = std::make_shared<Request>(ToRequest(msg.base(), std::move(msg.body()), stream_.socket()));
    ++impl_.in_flight;
    if (impl_.handler.IsBlocking(*req)) {
      net::post(impl_.pool, [self = shared_from_this(), req, keep_alive] {
        Response resp = self->Handle(*req);
        net::post(self->stream_.get_executor(), [self, resp = std::move(resp), keep_alive]() mutable {
          self->Write(std::move(resp), keep_alive, true);
        });
      });
    } else {
      Write(Handle(*req), keep_alive, true);
    }
  }

  Response Handle(Request& req) {
    try {
      return impl_.handler.Handle(req);
    } catch (const std::exception& e) {
      spdlog::error("unhandled exception for {} {}: {}", req.method, req.target, e.what());
      return impl_.handler.Refuse(req, 500, "An internal error occurred");
    }
  }

  void Write(Response resp, bool keep_alive, bool counted) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    out->result(static_cast<unsigned>(resp.status));
    for (auto& h : resp.headers) out->set(h.name, h.value);
    out->set(bhttp::field::server, "amiplace");
    out->body() = std::move(resp.body);
    out->keep_alive(keep_alive);
    out->prepare_payload();
    stream_.expires_after(impl_.options.read_timeout);
    bhttp::async_write(stream_, *out,
                       [self = shared_from_this(), out, keep_alive, counted](beast::error_code ec, std::size_t) {
                         if (counted) self->impl_.RequestDone();
                         if (ec || !keep_alive) return self->Close();
                         self->DoRead();
                       });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& impl_;
  bool first_ = true;
};

}  // namespace

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), *this)->Run();
    }
    Accept();
  });
}

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

Result<unsigned short> Server::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return ValidationError(fmt::format("--listen: '{}' is not an IP address", impl_->options.host));
  tcp::endpoint ep(address, impl_->options.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return InternalError(fmt::format("cannot listen on {}:{}: {}", impl_->options.host,
                                     impl_->options.port, ec.message()));
  }
  unsigned short port = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  for (int i = 0; i < impl_->options.io_threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return port;
}

void Server::Stop(std::chrono::milliseconds grace) {
  if (impl_->threads.empty()) return;
  impl_->stopping = true;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle_cv.wait_for(lock, grace, [&] { return impl_->in_flight.load() == 0; });
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->pool.join();
}

}  // namespace amiplace::http
