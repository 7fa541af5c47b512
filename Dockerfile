# The playground as a container: CPU-only torch, the shipped checkpoints inside, no data downloaded at build time.
# Build and run:  docker build -t playground . && docker run -p 7860:7860 playground
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    DATA_DIR=/home/user/data \
    PLAYGROUND_DATABASE=sqlite:////home/user/class-board.sqlite3

# Hugging Face Docker Spaces run the container as uid 1000. The class board's SQLite file goes in its home: the app
# folder WORKDIR makes belongs to root. Give a PostgreSQL URL instead where replicas must share one board.
RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app

# CPU wheels of torch first (a few hundred MB instead of several GB of CUDA), then the rest.
COPY requirements.txt .
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.14.1 torchvision==0.29.1 \
    && pip install -r requirements.txt

COPY --chown=user:user app.py ./
COPY --chown=user:user models/ models/
COPY --chown=user:user ink/ ink/
COPY --chown=user:user i18n/ i18n/
COPY --chown=user:user training/ training/
COPY --chown=user:user figures/ figures/
COPY --chown=user:user lessons/ lessons/
COPY --chown=user:user ui/ ui/
COPY --chown=user:user assets/ assets/

USER 1000
EXPOSE 7860
CMD ["python", "app.py"]
