// Tiled matrix multiply for ganlab-wasm's dense layers:  C (M x N) = op(A) op(B) [+ bias, activation]
//
// op(A) is M x K: A itself (row-major M x K) or, with TRANS_A, the transpose of
// a row-major K x M array; op(B) is K x N: B (row-major K x N) or, with
// TRANS_B, the transpose of a row-major N x K array. So the backward products
// A^T B and A B^T read the arrays as they lie in memory: nothing is transposed
// on the CPU. EPILOGUE fuses the layer's bias and activation into the store:
// 0 none, 1 bias, 2 bias + relu, 3 bias + leaky relu (slope 0.2), 4 bias + tanh.
//
// Each workgroup computes a 64 x 64 tile of C with 16 x 16 invocations, each
// owning 4 x 4 outputs (rows ly + 16 i, columns lx + 16 j: strided, so reads of
// the shared tiles are broadcast or consecutive, free of bank conflicts). The
// K dimension is walked in steps of 16 through workgroup memory; every load is
// arranged so that neighbouring invocations read neighbouring addresses in
// whichever layout the operand has. Sizes need not divide the tile: loads past
// an edge read 0 and stores past an edge are skipped.
//
// The same file runs in the browser (web/gpu.js) and under a native WebGPU
// implementation (benchmarks/bench_gpu.py); the variants are pipeline-overridable
// constants, so there is one source and one bind group layout for all of them.

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override EPILOGUE: u32 = 0u;

struct Dims {
  M: u32,
  N: u32,
  K: u32,
  _pad: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

const TILE: u32 = 64u;     // output tile edge
const TK: u32 = 16u;       // K step
const WG: u32 = 16u;       // invocations per tile edge (TILE / 4)
const LEAK: f32 = 0.2;

var<workgroup> tileA: array<array<f32, 64>, 16>;   // [k][row]
var<workgroup> tileB: array<array<f32, 64>, 16>;   // [k][col]

fn loadA(row: u32, k: u32) -> f32 {
  if (row >= dims.M || k >= dims.K) {
    return 0.0;
  }
  if (TRANS_A) {
    return A[k * dims.M + row];
  }
  return A[row * dims.K + k];
}

fn loadB(k: u32, col: u32) -> f32 {
  if (k >= dims.K || col >= dims.N) {
    return 0.0;
  }
  if (TRANS_B) {
    return B[col * dims.K + k];
  }
  return B[k * dims.N + col];
}

fn finish(v: f32, col: u32) -> f32 {
  if (EPILOGUE == 0u) {
    return v;
  }
  let z = v + bias[col];
  switch EPILOGUE {
    case 2u: { return max(z, 0.0); }
    case 3u: { return max(z, z * LEAK); }
    case 4u: { return tanh(z); }
    default: { return z; }
  }
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  var acc: array<vec4<f32>, 4>;     // acc[i][j]: row ly + 16 i, column lx + 16 j
  for (var i = 0u; i < 4u; i++) {
    acc[i] = vec4<f32>(0.0);
  }

  for (var k0 = 0u; k0 < dims.K; k0 += TK) {
    // 64 x 16 elements of op(A) and 16 x 64 of op(B): four each per invocation.
    for (var s = 0u; s < 4u; s++) {
      let l = s * 256u + tid;
      var ra: u32;
      var ka: u32;
      if (TRANS_A) {          // memory runs along rows of op(A)
        ra = l % TILE;
        ka = l / TILE;
      } else {                // memory runs along k
        ka = l % TK;
        ra = l / TK;
      }
      tileA[ka][ra] = loadA(row0 + ra, k0 + ka);
      var kb: u32;
      var cb: u32;
      if (TRANS_B) {          // memory runs along k
        kb = l % TK;
        cb = l / TK;
      } else {                // memory runs along columns
        cb = l % TILE;
        kb = l / TILE;
      }
      tileB[kb][cb] = loadB(k0 + kb, col0 + cb);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let b = vec4<f32>(tileB[k][lid.x], tileB[k][lid.x + 16u], tileB[k][lid.x + 32u], tileB[k][lid.x + 48u]);
      acc[0] += tileA[k][lid.y] * b;
      acc[1] += tileA[k][lid.y + 16u] * b;
      acc[2] += tileA[k][lid.y + 32u] * b;
      acc[3] += tileA[k][lid.y + 48u] * b;
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y + i * WG;
    if (row < dims.M) {
      for (var j = 0u; j < 4u; j++) {
        let col = col0 + lid.x + j * WG;
        if (col < dims.N) {
          C[row * dims.N + col] = finish(acc[i][j], col);
        }
      }
    }
  }
}
