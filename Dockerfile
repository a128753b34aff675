# Accord in a container: the same pinned dependencies as `make run` (requirements.txt),
# run as an unprivileged user, the SQLite database on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir pip==26.3 \
    && pip install --no-cache-dir -r requirements.txt

# HOME is /app, which the bot cannot write: matplotlib (the charts) keeps its font
# cache in MPLCONFIGDIR instead, a directory the accord user owns.
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin accord \
    && mkdir /data /tmp/matplotlib \
    && chown accord:accord /data /tmp/matplotlib \
    && chmod 0700 /data /tmp/matplotlib

# The code belongs to root: the bot can read it, not change it.
COPY . .
# The knowledge base compiled now (guidance/compiled.py): the bot can't write beside it.
RUN python -m guidance.compiled

# DATABASE_PATH on the volume; HEALTH_LISTEN gives /healthz in polling mode too (in
# webhook mode /healthz and /metrics are on WEBHOOK_LISTEN, 8443 by default).
ENV DATABASE_PATH=/data/accord.sqlite3 \
    HEALTH_LISTEN=0.0.0.0:8080 \
    MPLCONFIGDIR=/tmp/matplotlib
VOLUME /data
EXPOSE 8443 8080

USER accord

# Python's standard library asks /healthz: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

CMD ["python", "bot.py", "run"]
