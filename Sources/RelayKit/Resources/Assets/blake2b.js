// BLAKE2b (RFC 7693), unkeyed, for the one thing TweetNaCl lacks: the nonce of a libsodium
// sealed box, BLAKE2b-192(ephemeral public key || recipient public key). 64-bit words are held
// as pairs of 32-bit halves (low, high) in Uint32Arrays. Checked against libsodium by the tests.
(function (global) {
  "use strict";

  var IV = new Uint32Array([
    0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
    0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19
  ]);

  var SIGMA = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3
  ];

  var v = new Uint32Array(32);
  var m = new Uint32Array(32);

  // v[a] += v[b] (64-bit)
  function add(a, b) {
    var low = v[a] + v[b];
    var high = v[a + 1] + v[b + 1];
    if (low >= 0x100000000) high++;
    v[a] = low;
    v[a + 1] = high;
  }

  // v[a] += (low, high) (64-bit)
  function addWord(a, low, high) {
    var sumLow = v[a] + low;
    var sumHigh = v[a + 1] + high;
    if (sumLow >= 0x100000000) sumHigh++;
    v[a] = sumLow;
    v[a + 1] = sumHigh;
  }

  function mix(a, b, c, d, x, y) {
    var low, high;
    add(a, b); addWord(a, m[x], m[x + 1]);
    low = v[d] ^ v[a]; high = v[d + 1] ^ v[a + 1];          // rotate right 32
    v[d] = high; v[d + 1] = low;
    add(c, d);
    low = v[b] ^ v[c]; high = v[b + 1] ^ v[c + 1];          // rotate right 24
    v[b] = (low >>> 24) ^ (high << 8); v[b + 1] = (high >>> 24) ^ (low << 8);
    add(a, b); addWord(a, m[y], m[y + 1]);
    low = v[d] ^ v[a]; high = v[d + 1] ^ v[a + 1];          // rotate right 16
    v[d] = (low >>> 16) ^ (high << 16); v[d + 1] = (high >>> 16) ^ (low << 16);
    add(c, d);
    low = v[b] ^ v[c]; high = v[b + 1] ^ v[c + 1];          // rotate right 63 = left 1
    v[b] = (high >>> 31) ^ (low << 1); v[b + 1] = (low >>> 31) ^ (high << 1);
  }

  function compress(state, last) {
    var i;
    for (i = 0; i < 16; i++) { v[i] = state.h[i]; v[i + 16] = IV[i]; }
    v[24] ^= state.t;
    v[25] ^= state.t / 0x100000000;
    if (last) { v[28] = ~v[28]; v[29] = ~v[29]; }
    for (i = 0; i < 32; i++) {
      m[i] = state.b[4 * i] ^ (state.b[4 * i + 1] << 8) ^ (state.b[4 * i + 2] << 16) ^ (state.b[4 * i + 3] << 24);
    }
    for (i = 0; i < 12; i++) {
      var s = i * 16;
      mix(0, 8, 16, 24, 2 * SIGMA[s], 2 * SIGMA[s + 1]);
      mix(2, 10, 18, 26, 2 * SIGMA[s + 2], 2 * SIGMA[s + 3]);
      mix(4, 12, 20, 28, 2 * SIGMA[s + 4], 2 * SIGMA[s + 5]);
      mix(6, 14, 22, 30, 2 * SIGMA[s + 6], 2 * SIGMA[s + 7]);
      mix(0, 10, 20, 30, 2 * SIGMA[s + 8], 2 * SIGMA[s + 9]);
      mix(2, 12, 22, 24, 2 * SIGMA[s + 10], 2 * SIGMA[s + 11]);
      mix(4, 14, 16, 26, 2 * SIGMA[s + 12], 2 * SIGMA[s + 13]);
      mix(6, 8, 18, 28, 2 * SIGMA[s + 14], 2 * SIGMA[s + 15]);
    }
    for (i = 0; i < 16; i++) state.h[i] = state.h[i] ^ v[i] ^ v[i + 16];
  }

  // The unkeyed BLAKE2b digest of `input` (a Uint8Array), `outputLength` bytes (1 to 64).
  function blake2b(input, outputLength) {
    if (!(outputLength >= 1 && outputLength <= 64)) throw new RangeError("BLAKE2b output is 1 to 64 bytes");
    var state = { h: new Uint32Array(IV), b: new Uint8Array(128), c: 0, t: 0 };
    state.h[0] ^= 0x01010000 ^ outputLength;
    for (var i = 0; i < input.length; i++) {
      if (state.c === 128) { state.t += state.c; compress(state, false); state.c = 0; }
      state.b[state.c++] = input[i];
    }
    state.t += state.c;
    while (state.c < 128) state.b[state.c++] = 0;
    compress(state, true);
    var out = new Uint8Array(outputLength);
    for (i = 0; i < outputLength; i++) out[i] = state.h[i >> 2] >> (8 * (i & 3));
    return out;
  }

  global.blake2b = blake2b;
})(typeof window !== "undefined" ? window : this);
