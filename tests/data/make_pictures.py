"""Make the test pictures (committed; re-run only to change them): small, deterministic, our own.

photo-rgb.png  400×300 sRGB gradient with a red disc and a black bar (an RGB photo to convert)
photo-grey.tif 200×150 grey ramp (a greyscale picture that must print on K only)
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent


def rgb_photo() -> Image.Image:
    image = Image.new("RGB", (400, 300))
    image.putdata([(x * 255 // 399, y * 255 // 299, 128) for y in range(300) for x in range(400)])
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 70, 280, 230), fill=(220, 30, 40))
    draw.rectangle((20, 260, 380, 285), fill=(0, 0, 0))
    return image


def grey_picture() -> Image.Image:
    image = Image.new("L", (200, 150))
    image.putdata([x * 255 // 199 for _y in range(150) for x in range(200)])
    return image


if __name__ == "__main__":
    rgb_photo().save(HERE / "photo-rgb.png", optimize=True)
    grey_picture().save(HERE / "photo-grey.tif", compression="tiff_deflate")
