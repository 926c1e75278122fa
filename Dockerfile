# The chainkg image (docker-compose.yml runs it as the API and as the one-shot loader).
# Dependencies are installed at the versions in requirements.lock (the tested set); the
# process runs as the unprivileged user chainkg. Rebuild the lock after changing pyproject.toml:
# see the header of requirements.lock.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY chainkg ./chainkg
RUN python -m venv /opt/chainkg \
 && /opt/chainkg/bin/pip install --no-cache-dir --constraint requirements.lock .

FROM python:3.11-slim
# Pango, HarfBuzz's subsetter and a CJK font: WeasyPrint writes the annual review report as PDF
# with them (GET /reports/{base}?format=pdf); the Excel and Word reports need none of them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/chainkg chainkg \
 && mkdir -p /var/lib/chainkg \
 && chown chainkg:chainkg /var/lib/chainkg
COPY --from=build /opt/chainkg /opt/chainkg
ENV PATH=/opt/chainkg/bin:$PATH PYTHONUNBUFFERED=1 CHAINKG_HOST=0.0.0.0 CHAINKG_PORT=8000 CHAINKG_DATA_DIR=/var/lib/chainkg
USER chainkg
WORKDIR /var/lib/chainkg
VOLUME /var/lib/chainkg
EXPOSE 8000
HEALTHCHECK CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['CHAINKG_PORT'] + '/health', timeout=5)"]
CMD ["chainkg", "serve"]
