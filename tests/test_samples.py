"""The bundled samples are exactly what the renderers draw from the figures (regenerate: python -m renderers.samples)."""
from renderers.samples import SAMPLES_DIR, render_samples


def test_committed_samples_match_the_renderers():
    rendered = render_samples()
    on_disk = {p.name: p.read_bytes() for p in SAMPLES_DIR.iterdir() if p.is_file()}
    assert on_disk == rendered
