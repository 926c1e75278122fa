# The chainkg API image (used by docker-compose.yml with Neo4j as the store).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY chainkg ./chainkg
RUN pip install --no-cache-dir .
ENV CHAINKG_HOST=0.0.0.0 CHAINKG_PORT=8000
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["chainkg", "serve"]
