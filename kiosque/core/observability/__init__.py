"""Operators' view of a running Kiosque: request ids, structured logs, Prometheus metrics.

- `middleware.RequestContextMiddleware`: a request id per request (the proxy's X-Request-ID
  when it is a safe token, else a new one), returned in the response header, kept in
  contextvars for log records; one access log line and one latency observation per request.
- `logs.JsonFormatter` / `logs.RequestContextFilter`: JSON lines (`KIOSQUE_LOG_FORMAT=json`).
- `metrics.metrics_view`: the Prometheus text endpoint `/metrics`.
"""
