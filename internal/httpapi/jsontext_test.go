package httpapi

import (
	"encoding/json"
	"testing"
)

func TestAlteredText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		field      string // "" when decoding keeps every string
	}{
		{"Plain", `{"title":"Buy milk","tags":["a","b"]}`, ""},
		{"SurrogatePair", `{"title":"\ud83d\ude00"}`, ""},
		{"SurrogatePairUpperCase", `{"title":"\uD83D\uDE00"}`, ""},
		{"HighestPair", `{"title":"\udbff\udfff"}`, ""},
		{"EscapedBackslashThenU", `{"title":"\\ud800"}`, ""},
		{"EscapesAroundASurrogatePair", `{"title":"\"\\\ud83d\ude00\n\\"}`, ""},
		{"ReplacementCharacter", "{\"title\":\"\\ufffd \xef\xbf\xbd\"}", ""},
		{"NotASurrogate", `{"title":"\ud7ff\ue000"}`, ""},
		{"LoneHigh", `{"title":"\ud800"}`, "/title"},
		{"LoneLow", `{"title":"\udc00"}`, "/title"},
		{"HighThenEscapedBackslash", `{"title":"\ud800\\udc00"}`, "/title"},
		{"HighThenNonSurrogate", `{"title":"\ud800\u0041"}`, "/title"},
		{"HighHigh", `{"title":"\ud800\ud800"}`, "/title"},
		{"HighAtEndOfBody", `"\ud800"`, "/"},
		{"InvalidByte", "{\"title\":\"\xff\"}", "/title"},
		{"Nested", `{"a":[{"b":"x"},{"c":["ok","\ud800"]}],"d":"\udc00"}`, "/a/1/c/1"},
		{"AfterNestedValues", `{"a":{"b":[1,{"c":null}]},"d":[[],{}],"e":"\udfff"}`, "/e"},
		{"Key", `{"ok":1,"\udfffx":2}`, "/\ufffdx"},
		{"KeyWithSlash", `{"a/b":"\ud800"}`, "/a~1b"},
		{"ArrayAtTop", `["a","b","\ud800"]`, "/2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := []byte(tc.body)
			if !json.Valid(data) {
				t.Fatalf("not JSON: %s", data)
			}
			if got := faithfulJSON(data); got != (tc.field == "") {
				t.Fatalf("faithfulJSON = %v, want %v", got, tc.field == "")
			}
			if tc.field == "" {
				return
			}
			if got := alteredField(data); got != tc.field {
				t.Errorf("alteredField = %q, want %q", got, tc.field)
			}
		})
	}
}
