// The axone playground page: settings -> server session -> live drawing.
// Every number drawn here comes from the server, where axone trains the network.
"use strict";


const page = {
  options: null,  // the server's choices and limits (GET /api/options)
  config: null,  // its defaults, then the user's changes
  accepted: null,  // the last configuration the server took
  id: null, setup: null, state: null, source: null, pending: null,
};

const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ server
async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
  return answer;
}

async function rebuild() {
  try {
    const answer = page.id
      ? await api("POST", `/api/sessions/${page.id}/config`, page.config)
      : await api("POST", "/api/sessions", page.config);
    page.id = answer.id;
    page.setup = answer.setup;
    page.accepted = structuredClone(page.config);
    showError(null);
    render(answer.state);
    listen();
  } catch (error) {  // refused: the page goes back to the network that still runs
    showError(error.message);
    if (page.accepted) { page.config = structuredClone(page.accepted); syncControls(); }
  }
}

function rebuildSoon() {  // settings change in bursts (sliders): rebuild once they settle
  clearTimeout(page.pending);
  syncControls();
  page.pending = setTimeout(rebuild, 150);
}

function listen() {
  if (page.source) return;
  page.source = new EventSource(`/api/sessions/${page.id}/events`);
  page.source.addEventListener("state", (event) => render(JSON.parse(event.data)));
  page.source.onerror = () => {
    page.source.close();
    page.source = null;
    showError("Lost the connection to the playground server; reload the page.");
  };
}

async function act(action) {
  if (!page.id) return;
  try {
    const answer = await api("POST", `/api/sessions/${page.id}/${action}`);
    if (answer.setup) { page.setup = answer.setup; render(answer.state); } else render(answer);
  } catch (error) {
    showError(error.message);
  }
}

// ------------------------------------------------------------------ controls
function syncControls() {
  const c = page.config;
  const perceptron = c.activation === "heaviside" && c.hidden_layers.length === 0;
  $("perceptron").checked = perceptron;
  for (const id of ["learning_rate", "regularization_rate", "activation", "optimizer", "regularization", "output"])
    $(id).value = String(c[id]);
  $("train_ratio").value = $("train_ratio_value").textContent = Math.round(c.train_ratio * 100);
  $("noise").value = $("noise_value").textContent = Math.round(c.noise * 100);
  $("batch_size").value = $("batch_size_value").textContent = c.batch_size;
  $("seed").value = c.seed;
  $("hidden-count").textContent = c.hidden_layers.length;
  for (const button of document.querySelectorAll("#datasets button"))
    button.classList.toggle("selected", button.dataset.dataset === c.dataset);
  const neurons = $("neuron-controls");
  neurons.innerHTML = "";
  c.hidden_layers.forEach((count, index) => {
    const box = document.createElement("span");
    box.className = "layer";
    box.innerHTML = `<button data-layer="${index}" data-delta="1" id="add-neuron-${index}">+</button>` +
      `<span id="neurons-${index}">${count}</span>` +
      `<button data-layer="${index}" data-delta="-1" id="remove-neuron-${index}">&minus;</button>`;
    neurons.appendChild(box);
  });
  $("features").innerHTML = page.options.features.map((name) =>
    `<label><input type="checkbox" data-feature="${name}" ${c.features.includes(name) ? "checked" : ""}>${name}</label>`
  ).join("");
}

function bindControls() {
  for (const id of ["learning_rate", "regularization_rate"])
    $(id).addEventListener("change", () => { page.config[id] = Number($(id).value); rebuildSoon(); });
  for (const id of ["activation", "optimizer", "regularization", "output"])
    $(id).addEventListener("change", () => {
      page.config[id] = $(id).value;
      if (id === "activation" && page.config.activation === "heaviside") page.config.hidden_layers = [];
      if (id === "output") page.config.dataset = page.config.output === "linear" ? "regression" : "xor";
      rebuildSoon();
    });
  $("perceptron").addEventListener("change", () => {
    const on = $("perceptron").checked;
    page.config.activation = on ? "heaviside" : "tanh";
    page.config.hidden_layers = on ? [] : [4, 2];
    page.config.output = "sigmoid";
    if (page.config.dataset === "regression") page.config.dataset = "xor";
    $("output").value = "sigmoid";
    rebuildSoon();
  });
  for (const button of document.querySelectorAll("#datasets button"))
    button.addEventListener("click", () => {
      page.config.dataset = button.dataset.dataset;
      page.config.csv = null;
      page.config.output = page.config.dataset === "regression" ? "linear" : "sigmoid";
      $("output").value = page.config.output;
      rebuildSoon();
    });
  const sliders = { train_ratio: 0.01, noise: 0.01, batch_size: 1 };
  for (const [id, scale] of Object.entries(sliders))
    $(id).addEventListener("input", () => {
      page.config[id] = scale === 1 ? Number($(id).value) : Math.round(Number($(id).value)) * scale;
      $(`${id}_value`).textContent = $(id).value;
      rebuildSoon();
    });
  $("seed").addEventListener("change", () => { page.config.seed = Math.max(0, Math.floor(Number($("seed").value) || 0)); rebuildSoon(); });
  $("csv").addEventListener("change", async () => {
    const file = $("csv").files[0];
    if (!file) return;
    page.config.csv = await file.text();
    page.config.dataset = "csv";
    rebuildSoon();
  });
  $("add-layer").addEventListener("click", () => {
    const layers = page.config.hidden_layers;
    if (layers.length >= page.options.max_hidden_layers) return showError(`At most ${page.options.max_hidden_layers} hidden layers.`);
    if (page.config.activation === "heaviside") page.config.activation = "tanh";
    layers.push(layers.length ? layers[layers.length - 1] : 4);
    rebuildSoon();
  });
  $("remove-layer").addEventListener("click", () => { page.config.hidden_layers.pop(); rebuildSoon(); });
  $("neuron-controls").addEventListener("click", (event) => {
    const layer = event.target.dataset.layer;
    if (layer === undefined) return;
    const count = page.config.hidden_layers[layer] + Number(event.target.dataset.delta);
    if (count < 1 || count > page.options.max_neurons) return showError(`Each layer has 1 to ${page.options.max_neurons} neurons.`);
    page.config.hidden_layers[layer] = count;
    rebuildSoon();
  });
  $("features").addEventListener("change", (event) => {
    const name = event.target.dataset.feature;
    const chosen = new Set(page.config.features);
    if (event.target.checked) chosen.add(name); else chosen.delete(name);
    page.config.features = page.options.features.filter((f) => chosen.has(f));
    rebuildSoon();
  });
  $("play").addEventListener("click", () => act(page.state && page.state.playing ? "pause" : "play"));
  $("step").addEventListener("click", () => act("step"));
  $("reset").addEventListener("click", () => act("reset"));
  $("show-test").addEventListener("change", () => page.state && render(page.state));
  $("copy-code").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("code").textContent));
  $("download").addEventListener("click", (event) => {
    if (!page.id) return event.preventDefault();
    $("download").href = `/api/sessions/${page.id}/model`;
  });
}

// ------------------------------------------------------------------ drawing
function colour(value) {  // -1 orange .. 0 white .. +1 blue, as TensorFlow Playground
  const v = Math.max(-1, Math.min(1, value));
  const [r, g, b] = v < 0 ? [245, 147, 34] : [8, 119, 189];
  const t = Math.abs(v);
  return [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
}

function signed(values) {  // classification outputs live in [0, 1]: draw them on [-1, 1]
  if (page.setup.task === "classification") return values.map((p) => 2 * p - 1);
  const scale = Math.max(1e-6, ...page.setup.train.targets.map(Math.abs));
  return values.map((v) => v / scale);
}

function paintMap(context, values, resolution, x, y, size) {
  const image = context.createImageData(resolution, resolution);
  values.forEach((value, i) => {
    const [r, g, b] = colour(value);
    image.data.set([r, g, b, 255], 4 * i);
  });
  const scratch = document.createElement("canvas");
  scratch.width = scratch.height = resolution;
  scratch.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(scratch, x, y, size, size);
}

function drawHeatmap(state) {
  const canvas = $("heatmap"), context = canvas.getContext("2d");
  const setup = page.setup, size = canvas.width;
  paintMap(context, signed(state.output), setup.output_resolution, 0, 0, size);
  const [x0, x1, y0, y1] = setup.bounds;
  const sets = [setup.train].concat($("show-test").checked ? [setup.test] : []);
  for (const set of sets) {
    const values = signed(set.targets);
    set.points.forEach(([px, py], i) => {
      const [r, g, b] = colour(values[i] < 0 ? -1 : values[i] > 0 ? 1 : 0);
      context.beginPath();
      context.arc((px - x0) / (x1 - x0) * size, (y1 - py) / (y1 - y0) * size, 3, 0, 2 * Math.PI);
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fill();
      context.strokeStyle = set === setup.test ? "#000" : "#fff";
      context.stroke();
    });
  }
}

function drawNetwork(state) {
  const canvas = $("network"), context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const sizes = page.setup.layer_sizes, columns = sizes.length;
  const box = Math.min(36, Math.floor((canvas.height - 20) / Math.max(...sizes)) - 4);
  const position = (layer, unit) => {
    const gap = (canvas.height - 10) / sizes[layer];
    return [20 + layer * (canvas.width - 40 - box) / Math.max(1, columns - 1), 5 + gap * unit + (gap - box) / 2];
  };
  state.weights.forEach((kernel, layer) => {  // connections under the neurons
    const strongest = Math.max(1e-6, ...kernel.flat().map(Math.abs));
    kernel.forEach((row, from) => row.forEach((w, to) => {
      const [ax, ay] = position(layer, from), [bx, by] = position(layer + 1, to);
      const [r, g, b] = colour(w / strongest);
      context.strokeStyle = `rgb(${r},${g},${b})`;
      context.lineWidth = 0.5 + 4 * Math.abs(w) / strongest;
      context.beginPath();
      context.moveTo(ax + box, ay + box / 2);
      context.lineTo(bx, by + box / 2);
      context.stroke();
    }));
  });
  state.neurons.forEach((layer, l) => layer.forEach((values, unit) => {
    const [x, y] = position(l, unit);
    const scaled = l === state.neurons.length - 1 ? signed(values) : values;
    paintMap(context, scaled, page.setup.neuron_resolution, x, y, box);
    context.strokeStyle = "#666";
    context.lineWidth = 1;
    context.strokeRect(x, y, box, box);
    if (l === 0) {
      context.fillStyle = "#333";
      context.font = "11px sans-serif";
      context.fillText(page.setup.config.features[unit], x - 2, y - 2 > 8 ? y - 2 : y + box + 10);
    }
  }));
}

function drawCurve(state) {
  const canvas = $("curve"), context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const all = state.loss.concat(state.val_loss).filter(Number.isFinite);
  if (!all.length) return;
  const top = Math.max(...all) || 1, n = Math.max(2, state.loss.length);
  for (const [series, style] of [[state.val_loss, "#000"], [state.loss, "#999"]]) {
    context.strokeStyle = style;
    context.lineWidth = 1.5;
    context.beginPath();
    series.forEach((v, i) => {
      const x = i / (n - 1) * canvas.width, y = canvas.height - 2 - (v / top) * (canvas.height - 4);
      i ? context.lineTo(x, y) : context.moveTo(x, y);
    });
    context.stroke();
  }
}

function render(state) {
  page.state = state;
  if (!page.setup) return;
  $("epoch").textContent = String(state.epoch).padStart(3, "0");
  const last = (series) => series.length ? series[series.length - 1].toFixed(3) : "–";
  $("train-loss").textContent = last(state.loss);
  $("test-loss").textContent = last(state.val_loss);
  for (const label of document.querySelectorAll(".measure"))  // the perceptron reports its error rate
    label.textContent = page.setup.perceptron ? "error" : "loss";
  $("play").innerHTML = state.playing ? "&#10074;&#10074; Pause" : "&#9654; Play";
  $("code").textContent = state.code;
  const message = $("message");
  message.hidden = !state.message;
  message.textContent = state.message || "";
  drawHeatmap(state);
  drawNetwork(state);
  drawCurve(state);
}

function showError(text) {
  $("error").hidden = !text;
  $("error").textContent = text || "";
}

async function start() {
  try {
    page.options = await api("GET", "/api/options");
    page.config = structuredClone(page.options.defaults);
  } catch (error) {
    return showError(`The playground server does not answer: ${error.message}`);
  }
  bindControls();
  syncControls();
  rebuild();
}

start();
