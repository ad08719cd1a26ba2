// Colour maps shared by every picture: orange (negative / class 0) .. white .. blue (positive /
// class 1), and one colour per class for several classes.

export const ORANGE = [232, 113, 10];
export const BLUE = [8, 119, 189];
export const WHITE = [255, 255, 255];
export const CLASS_COLOURS = [[232, 113, 10], [8, 119, 189], [46, 139, 87], [155, 89, 182], [192, 57, 43],
                              [127, 140, 141], [241, 196, 15], [52, 73, 94]];

export function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

export function rgb([r, g, b]) {
  return `rgb(${r},${g},${b})`;
}

// A value in [0, 1] -> orange (0) .. white (0.5) .. blue (1).
export function diverging(t) {
  t = Math.max(0, Math.min(1, t));
  return t < 0.5 ? mix(ORANGE, WHITE, t * 2) : mix(WHITE, BLUE, (t - 0.5) * 2);
}

// ``values`` (row-major, size x size) drawn through ``colour(value, index)`` on a new canvas.
export function heatmap(values, size, colour) {
  const image = new ImageData(size, size);
  values.forEach((value, i) => {
    const [r, g, b] = colour(value, i);
    image.data.set([r, g, b, 255], i * 4);
  });
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}
