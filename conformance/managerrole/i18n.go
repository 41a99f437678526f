package managerrole

import (
	"bytes"
	"context"
	"fmt"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
)

// Internationalisation (R4766 section 5.1; format draft STRING and section 5.8): text of any
// script travels as UTF-8 JSON and must come out as it went in. A manager that normalises
// text (NFC), narrows it to the Basic Multilingual Plane, or re-encodes it loses what the
// analyzer said; a manager that takes bytes which are not UTF-8 stores something no JSON
// reader can trust.

// scripts are the texts MGR-I18N-001 sends, one alert each.
var scripts = []struct{ label, text string }{
	{"Latin with diacritics", "Déjà vu: naïve façade, Ærøskøbing, Łódź, İstanbul, Ŧħé ŀŀ, ẞ, ǅ"},
	{"Greek", "Ειδοποίηση: ανιχνεύθηκε εισβολή στο δίκτυο"},
	{"Cyrillic", "Тревога: обнаружено вторжение, ёжик Ѣ"},
	{"Arabic (right to left)", "تنبيه: تم اكتشاف اختراق ١٢٣"},
	{"Hebrew (right to left) with marks", "התראה: זוהתה חדירה \u200fבְּרֵאשִׁית"},
	{"Devanagari", "चेतावनी: घुसपैठ का पता चला क्षत्रिय"},
	{"CJK", "侵入検知の警告：中文警报，漢字かなカナ"},
	{"Hangul, precomposed and conjoining jamo", "경고: 침입 탐지 \u1100\u1161\u11a8"},
	{"Thai", "การแจ้งเตือน: ตรวจพบการบุกรุก"},
	{"outside the BMP: emoji and astral ideographs", "🚨🔥 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀋𡈽 🇫🇷 👍🏽"},
	{"combining marks (decomposed, not NFC)", "e\u0301te\u0301 A\u030angstro\u0308m n\u0303 q\u0307\u0323"},
	{"zero-width joiner and non-joiner sequences", "👩\u200d💻 👨\u200d👩\u200d👧 \u0645\u200c\u0646 a\u200db"},
}

// badUTF8 are byte sequences that are not UTF-8 (RFC 3629), each put raw in a string.
var badUTF8 = []struct {
	label string
	bytes []byte
}{
	{"a lone continuation byte 0x80", []byte{0x80}},
	{"an overlong encoding of '/' (0xC0 0xAF)", []byte{0xc0, 0xaf}},
	{"a truncated three-byte sequence (0xE2 0x82)", []byte{0xe2, 0x82}},
	{"an encoded surrogate U+D800 (0xED 0xA0 0x80)", []byte{0xed, 0xa0, 0x80}},
	{"a code point past U+10FFFF (0xF4 0x90 0x80 0x80)", []byte{0xf4, 0x90, 0x80, 0x80}},
	{"a Latin-1 byte 0xE9", []byte{0xe9}},
}

func i18nChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-I18N-001", Title: "Description text in many scripts is accepted and kept exactly",
			Requirements: []string{"IDMEF2-5.8-1", "IDMEF2T-5-1", "IDMEF2-2.2-1"}, Level: "MUST", Category: "i18n",
			Doc: "Sends one alert per script in Description: Latin with diacritics, Greek, Cyrillic, Arabic and Hebrew (right to left, with a direction mark and vowel points), Devanagari, CJK, Hangul (precomposed and conjoining jamo), Thai, characters outside the Basic Multilingual Plane (emoji, mathematical letters, astral ideographs, a flag, a skin-tone modifier), decomposed combining marks (not in NFC), and zero-width joiner and non-joiner sequences. Each must be acknowledged and stored with Description exactly as sent: the same characters, in the same normalisation form, none dropped or replaced (the same bytes when the channel shows the bytes received).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []keptCase
			for _, s := range scripts {
				m, o := makeAlert(e, alerts.Spec{Description: s.text})
				if o != nil {
					return *o
				}
				cases = append(cases, keptCase{Label: s.label, Msg: m, Fields: []string{"/Description"}})
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts with text in other scripts", len(cases)), cases)
		}),
		check(harness.Check{
			ID: "MGR-I18N-002", Title: "An alert whose text is not UTF-8 is refused with 4xx and not stored",
			Requirements: []string{"IDMEF2-5.8-1", "IDMEF2T-5-1", "IDMEF2T-4.3-20"}, Level: "MUST", Category: "i18n",
			Doc: "Takes valid alerts and puts, raw inside the Description string, bytes that are not UTF-8: a lone continuation byte, an overlong encoding, a truncated sequence, an encoded surrogate, a code point past U+10FFFF, a Latin-1 byte. JSON exchanged between systems must be UTF-8 (RFC 8259 section 8.1), so each body is not a proper message: each must be answered with a 4xx and none stored (a manager that repairs the text with U+FFFD and stores it fails).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []refuseCase
			for _, b := range badUTF8 {
				m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck invalid UTF-8 here:[BAD] end"})
				if o != nil {
					return *o
				}
				body := bytes.Replace(m.Body, []byte("[BAD]"), b.bytes, 1)
				if bytes.Equal(body, m.Body) {
					return harness.Errorf(reasonHarness, "the alert lost its [BAD] marker")
				}
				cases = append(cases, refuseCase{Label: b.label, ID: m.ID, Body: body})
			}
			return refusedWith4xx(ctx, t, e, fmt.Sprintf("%d alerts with bytes that are not UTF-8", len(cases)), cases)
		}),
	}
}
