"""Serves the MLflow server's Prometheus metrics on their own port.

`mlflow server --expose-prometheus DIR` records metrics in prometheus_client's
multiprocess files under DIR (mlflow/server/__init__.py and prometheus_exporter.py at
3.17.2) and serves them only on the tracking port, which sits behind the proxy. This
process reads the same files (the pod's shared /tmp) and serves nothing but the metrics,
so a scrape needs no login and opens no other path. Usage: metrics-exporter PORT
"""
import os
import sys
import time

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
os.makedirs(directory, exist_ok=True)
registry = CollectorRegistry()
MultiProcessCollector(registry, directory)
start_http_server(int(sys.argv[1]), registry=registry)
while True:
    time.sleep(3600)
