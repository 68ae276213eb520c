// Sealing in the browser (progressive enhancement): with JavaScript on, the form is turned into
// a Blind Relay envelope here (docs/FORMAT.md) and only that ciphertext is posted. Without
// JavaScript, or without TweetNaCl, the form posts as usual and the server seals it.
(function () {
  "use strict";

  var SIZES = [4096, 16384, 65536];
  var MAGIC = [0x42, 0x52, 0x4c, 0x59];
  var encoder = window.TextEncoder ? new TextEncoder() : null;

  function utf8(text) { return encoder.encode(text); }

  function concat(parts) {
    var length = parts.reduce(function (sum, part) { return sum + part.length; }, 0);
    var out = new Uint8Array(length);
    var offset = 0;
    parts.forEach(function (part) { out.set(part, offset); offset += part.length; });
    return out;
  }

  function fromBase64(text) {
    var binary = atob(text);
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  function toBase64(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  // A standard libsodium sealed box: epk || box(m, BLAKE2b-192(epk || pk), pk, esk).
  function sealedBox(message, publicKey) {
    var ephemeral = nacl.box.keyPair();
    var nonce = blake2b(concat([ephemeral.publicKey, publicKey]), 24);
    var boxed = nacl.box(message, nonce, publicKey, ephemeral.secretKey);
    ephemeral.secretKey.fill(0);
    return concat([ephemeral.publicKey, boxed]);
  }

  // FORMAT.md section 4 and 5: pad, seal the file key to each recipient, seal the payload.
  function sealRecord(record, recipients) {
    if (!recipients.every(isUsableKey)) throw new RangeError("unusable recipient key");
    var sizeClass = -1;
    for (var i = 0; i < SIZES.length; i++) { if (SIZES[i] >= record.length + 1) { sizeClass = i; break; } }
    if (sizeClass < 0) throw new RangeError("record too long");
    var padded = new Uint8Array(SIZES[sizeClass]);
    padded.set(record);
    padded[record.length] = 0x80;
    var fileKey = nacl.randomBytes(32);
    var parts = [new Uint8Array(MAGIC.concat([1, recipients.length, sizeClass]))];
    recipients.forEach(function (publicKey) { parts.push(sealedBox(fileKey, publicKey)); });
    var header = concat(parts);
    var derived = nacl.hash(concat([utf8("blind-relay/v1/payload"), fileKey, header]));
    var payload = nacl.secretbox(padded, derived.subarray(32, 56), derived.subarray(0, 32));
    fileKey.fill(0); padded.fill(0); derived.fill(0);
    return concat([header, payload]);
  }

  // FORMAT.md section 3: version 1, then (tag, u16 length, value) in increasing tag order. A
  // value is text, or bytes (the recipients set's digest, field 0x90).
  function encodeRecord(fields) {
    var parts = [new Uint8Array([1])];
    fields.forEach(function (field) {
      var value = typeof field[1] === "string" ? utf8(field[1]) : field[1];
      if (value.length > 0xffff) throw new RangeError("record too long");
      parts.push(new Uint8Array([field[0], value.length >> 8, value.length & 0xff]), value);
    });
    var record = concat(parts);
    if (record.length > 65535) throw new RangeError("record too long");
    return record;
  }

  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(bytes[i]) - 24;
    }
    return bits;
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  // The light proof of work the relay asks of browser-sealed posts (RELAY-API.md section 5): for
  // this token and this envelope only, so one solution cannot carry a second envelope.
  function proofOfWork(token, envelope, bits) {
    var challenge = token + ":" + hex(nacl.hash(envelope)) + ":";
    for (var n = 0; ; n++) {
      if (leadingZeroBits(nacl.hash(utf8(challenge + n))) >= bits) return String(n);
    }
  }

  // FORMAT.md section 7: never seal to a low-order point. TweetNaCl, unlike libsodium, would
  // seal to one, and anyone could open the result. Any clamped scalar sends such a point to 0.
  var PROBE_SCALAR = new Uint8Array(32).fill(0x5a);
  function isUsableKey(publicKey) {
    if (publicKey.length !== 32) return false;
    var product = nacl.scalarMult(PROBE_SCALAR, publicKey);
    var bits = 0;
    for (var i = 0; i < product.length; i++) bits |= product[i];
    return bits !== 0;
  }

  // The relay's rules exactly (SubmissionField.swift): blank is only White_Space code points,
  // and length is counted in code points.
  var WHITE_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
  function blank(text) { return WHITE_SPACE.test(text); }
  function length(text) { return Array.from(text).length; }

  window.BlindRelay = {
    sealRecord: sealRecord, encodeRecord: encodeRecord, proofOfWork: proofOfWork, isUsableKey: isUsableKey,
    characterCount: length, isBlank: blank
  };

  var form = document.getElementById("contact-form");
  if (!form || !window.nacl || !window.blake2b || !encoder || !window.crypto) return;
  var recipients = (form.getAttribute("data-recipients") || "").split(" ").filter(Boolean).map(fromBase64);
  // Every envelope names the signed recipients set it was sealed to (FORMAT.md section 10).
  var recipientSet = fromBase64(form.getAttribute("data-recipient-set") || "");
  // A key that cannot be sealed to leaves the form to post as typed: the relay seals it, or,
  // holding the same key, refuses to start at all.
  if (recipients.length === 0 || !recipients.every(isUsableKey) || recipientSet.length !== 32) return;
  var powBits = parseInt(form.getAttribute("data-pow-bits"), 10) || 0;
  var messages = JSON.parse(document.getElementById("sealing-messages").textContent);
  // The submission's fields, as the relay publishes them (SubmissionField.swift): what is
  // checked and what goes in the record, in tag order.
  var fieldsElement = document.getElementById("submission-fields");
  if (!fieldsElement) return;
  var FIELDS = JSON.parse(fieldsElement.textContent);
  // The input for each contact method's details, with the relay's own patterns
  // (ContactDetailsInput.swift), by method.
  var DETAILS = JSON.parse(document.getElementById("contact-details-inputs").textContent);
  function acceptsDetails(input, text) {
    return !input.pattern ||
      new RegExp(input.pattern).test(input.ignoresPunctuation ? text.replace(/[ \-().]/g, "") : text);
  }
  window.BlindRelay.acceptsDetails = function (method, text) { return acceptsDetails(DETAILS[method], text); };
  // The form's fields in the order the relay checks them (SubmissionForm.Field.allCases): a
  // field asked under each answer of a question is followed by its input for each answer.
  var CHECKED = [];
  FIELDS.forEach(function (field) {
    CHECKED.push(field);
    if (!field.perAnswer) return;
    Object.keys(DETAILS).forEach(function (method) {
      CHECKED.push({ form: DETAILS[method].form, max: field.max, contact: field.contact, kind: field.kind });
    });
  });
  var status = document.getElementById("sealing-status");

  // A page holding the text (the relay's, after a refusal) offers its other languages as buttons
  // that post the form back as typed. With the script nothing typed goes to the relay unlocked,
  // so they go.
  Array.prototype.slice.call(document.querySelectorAll("button[name=switch_language]")).forEach(function (button) {
    var holder = button.parentNode;
    holder.removeChild(button);
    if (!holder.querySelector("a, button")) holder.parentNode.removeChild(holder);
  });

  // A text box's text, a radio group's or list's chosen value, or the ticked boxes' values
  // joined by single spaces in the boxes' order (a token list, as the relay joins them).
  function value(name) {
    var element = form.elements[name];
    if (!element) return "";
    if (element.length !== undefined && element[0] && element[0].type === "checkbox") {
      return Array.prototype.filter.call(element, function (box) { return box.checked; })
        .map(function (box) { return box.value; }).join(" ");
    }
    return (element.value || "").replace(/\r\n/g, "\n");
  }

  function accepts(field, text) {
    if (field.tokens.length === 0) return true;
    if (field.kind !== "token-list") return field.tokens.indexOf(text) >= 0;
    return text.split(" ").every(function (token) { return field.tokens.indexOf(token) >= 0; });
  }

  // Yes or No radios: "yes" only when Yes is chosen.
  function wantsContact() { return value("wants_contact") === "yes"; }

  // The relay refuses a form sent sooner than this after it was served; the script waits out the
  // rest instead (a prepared text pasted in at once), a second more for the relay's whole seconds.
  var openedAt = Date.now();
  var minimumMilliseconds = (parseInt(form.getAttribute("data-min-seconds"), 10) || 0) * 1000;
  function millisecondsToWait() {
    return minimumMilliseconds === 0 ? 0 : Math.max(0, openedAt + minimumMilliseconds + 1000 - Date.now());
  }

  // Said before sending: this page will lock the message here (the server's words are for a
  // page that cannot).
  var protection = document.getElementById("protection");
  if (protection) protection.textContent = messages["form.protection.browser"];


  // The same rules the server applies to a plain post (SubmissionForm.swift).
  function validate() {
    var errors = [];
    if (blank(value("message"))) errors.push(["message", messages["error.message_empty"]]);
    CHECKED.forEach(function (field) {
      var count = length(value(field.form));
      if (count > field.max) {
        var own = messages["error.too_long." + field.form];
        errors.push([field.form, (own || messages["error.too_long"].replace("{field}", messages["name." + field.form]))
          .replace("{max}", field.max.toLocaleString("en-GB")).replace("{count}", count.toLocaleString("en-GB"))]);
      }
    });
    var contactFields = CHECKED.filter(function (field) { return field.contact && field.kind === "text"; })
      .map(function (field) { return field.form; });
    if (wantsContact()) {
      var input = DETAILS[value("contact_method")];
      if (!input) {
        // Which details to ask for depends on the method: only the method is asked for.
        errors.push(["contact_method", messages["error.method"]]);
      } else if (blank(value(input.form))) {
        errors.push([input.form, messages[input.missing]]);
      } else if (!acceptsDetails(input, value(input.form))) {
        errors.push([input.form, messages[input.format]]);
      }
    } else if (!contactHidden() && contactFields.some(function (name) { return !blank(value(name)); })) {
      // Details typed without Yes are asked about only where they can be seen: hidden under an
      // unchosen Yes (reveal.js), they are neither sent nor an error.
      errors.push(["wants_contact", messages["error.details_without_yes"]]);
    }
    return errors;
  }

  function contactHidden() {
    var block = document.getElementById("contact-questions");
    return !!block && block.classList.contains("conditional-hidden");
  }

  var prefix = messages["error.prefix"] + " ";
  var title = document.title.indexOf(prefix) === 0 ? document.title.slice(prefix.length) : document.title;

  // Removes what showErrors (or the relay's page) marked, before the next check.
  function clearErrors() {
    var old = document.getElementById("error-summary");
    if (old) old.parentNode.removeChild(old);
    Array.prototype.slice.call(form.querySelectorAll(".error-message")).forEach(function (line) {
      line.parentNode.removeChild(line);
    });
    Array.prototype.forEach.call(form.querySelectorAll(".form-group-error"), function (group) {
      group.classList.remove("form-group-error");
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (field) {
      field.removeAttribute("aria-invalid");
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-describedby]"), function (field) {
      var ids = field.getAttribute("aria-describedby").split(" ").filter(function (id) { return !/-error$/.test(id); });
      if (ids.length > 0) field.setAttribute("aria-describedby", ids.join(" "));
      else field.removeAttribute("aria-describedby");
    });
    document.title = title;
  }

  // A field's message above it, as the relay's page has it (FormPage.swift errorLine): after
  // the label and hint, before the control (or the first radio button), its group marked.
  function markField(name, text) {
    var field = document.getElementById(name);
    if (!field) return;
    var line = document.createElement("p");
    line.className = "error-message";
    line.id = name + "-error";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = messages["error.prefix"];
    line.appendChild(hidden);
    line.appendChild(document.createTextNode(" " + text));
    var anchor = field.closest(".radio, .checkbox") || field;
    anchor.parentNode.insertBefore(line, anchor);
    var group = field.closest(".form-group");
    if (group) group.classList.add("form-group-error");
    if (field.type === "radio") {
      var fieldset = field.closest("fieldset");
      if (fieldset) field = fieldset;
    } else {
      field.setAttribute("aria-invalid", "true");
    }
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(line.id) < 0) described.push(line.id);
    field.setAttribute("aria-describedby", described.join(" "));
  }

  // The relay's way exactly (FormPage.swift), so that both paths look and sound the same: a
  // summary with a link to each field and `notice` (about the whole form) first, each field's
  // message above it, "Error:" before the title, and the summary focused.
  function showErrors(errors, notice) {
    clearErrors();
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.id = "error-summary";
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    var heading = document.createElement("h2");
    heading.textContent = messages["errors.heading"];
    var list = document.createElement("ul");
    if (notice) {
      var noticeItem = document.createElement("li");
      noticeItem.textContent = notice;
      list.appendChild(noticeItem);
    }
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + error[0];
      link.textContent = error[1];
      item.appendChild(link);
      list.appendChild(item);
      markField(error[0], error[1]);
    });
    summary.appendChild(heading);
    summary.appendChild(list);
    var kept = document.createElement("p");
    kept.textContent = messages["errors.kept"];
    summary.appendChild(kept);
    var main = document.getElementById("main");
    main.insertBefore(summary, main.firstChild);
    document.title = prefix + title;
    summary.focus();
  }

  function buildRecord() {
    var fields = [];
    FIELDS.forEach(function (field) {
      // A field asked under each answer takes the chosen answer's input.
      var text = value(field.perAnswer ? field.form + "_" + value(field.perAnswer) : field.form);
      // The message goes in as typed; any other field only when filled in, and a choice only
      // when it is one of its tokens.
      if (field.record !== "message" && blank(text)) return;
      if (field.contact && !wantsContact()) return;
      if (!accepts(field, text)) return;
      fields.push([field.tag, text]);
    });
    fields.push([0x90, recipientSet]);
    return encodeRecord(fields);
  }

  // Posts only the envelope and the anti-spam fields, in the background: the receipt replaces
  // the page only once the relay has stored the message, and a refusal leaves the person's text
  // where it is.
  function postSealed(envelope, token, pow) {
    var body = new URLSearchParams();
    [["envelope", toBase64(envelope)], ["form_token", token], ["pow", pow],
     ["form_language", value("form_language")], ["leave_empty", value("leave_empty")]].forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    return fetch(form.action, { method: "POST", body: body, credentials: "same-origin", cache: "no-store",
                                redirect: "error", referrerPolicy: "no-referrer" });
  }

  // The receipt page takes the place of the form; nothing the person typed stays in the page.
  function showReceipt(html) {
    var receipt = new DOMParser().parseFromString(html, "text/html");
    document.replaceChild(document.adoptNode(receipt.documentElement), document.documentElement);
    var main = document.getElementById("main");
    if (main) main.focus();
  }

  // A fresh token (and the keys, should they have changed) from a newly served form, so that
  // pressing the button again can work.
  function refreshForm() {
    fetch("/?lang=" + encodeURIComponent(value("form_language")), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var token = fresh.querySelector("input[name='form_token']");
        var freshForm = fresh.getElementById("contact-form");
        if (!token || !freshForm) return;
        var keys = (freshForm.getAttribute("data-recipients") || "").split(" ").filter(Boolean).map(fromBase64);
        var set = fromBase64(freshForm.getAttribute("data-recipient-set") || "");
        if (keys.length > 0 && keys.every(isUsableKey) && set.length === 32) {
          recipients = keys;
          recipientSet = set;
        }
        form.elements.form_token.value = token.value;
      })
      .catch(function () { /* the next press says what happens then */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var errors = validate();
    if (errors.length > 0) { showErrors(errors); return; }
    clearErrors();
    status.textContent = messages["form.sealing"];
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    function refused(text) {
      button.disabled = false;
      status.textContent = "";
      showErrors([], text);
    }
    window.setTimeout(function () {
      var envelope, token, pow;
      try {
        var record = buildRecord();
        envelope = sealRecord(record, recipients);
        record.fill(0);
        token = value("form_token");
        pow = proofOfWork(token, envelope, powBits);
      } catch (error) {
        refused(messages["notice.record_too_long"]);
        return;
      }
      postSealed(envelope, token, pow).then(function (response) {
        return response.text().then(function (html) {
          if (response.ok) { showReceipt(html); return; }
          var reason = response.headers.get("Blind-Relay-Refusal") || "";
          refused(messages["refusal." + reason] ||
                  messages[response.status === 413 ? "notice.record_too_long" : "notice.not_accepted"]);
          // Too quick: the same token will do in a moment. Already sent: sending again is a choice.
          if (reason !== "too_quick" && reason !== "already_sent") refreshForm();
        });
      }).catch(function () { refused(messages["notice.connection_failed"]); });
    }, millisecondsToWait());
  });
  form.setAttribute("data-sealing", "ready");
})();
