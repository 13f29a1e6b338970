# One image for the web process (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim

# PYTHONPATH puts the project directory before site-packages, so the settings find
# templates/ and static/ beside manage.py whichever way a process starts.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=sme_platform.settings.production

WORKDIR /app

# Dependencies in their own layer: a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps .

# Static files are collected at build time; the key is a throwaway used for this step only.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 --user-group app \
    && mkdir -p /app/media /app/engine /app/var \
    && chown -R app:app /app/media /app/engine /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "sme_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
