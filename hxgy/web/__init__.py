"""What the web server itself does around the Streamlit app: private downloads and HTTP headers (serve.py)."""
