package postcode

import (
	"strings"
	"testing"
)

func TestIJmondTableKnowsTheDemoMunicipalities(t *testing.T) {
	tab := IJmond()
	tests := []struct {
		postcode string
		want     string
		ok       bool
	}{
		{"1971AB", "GM0453", true}, // IJmuiden
		{"1941XY", "GM0375", true}, // Beverwijk
		{"1965AA", "GM0396", true}, // Heemskerk
		{"1011AB", "", false},      // Amsterdam is not in the demo
	}
	for _, tt := range tests {
		got, ok := tab.Municipality(tt.postcode)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Municipality(%q) = %q, %v; want %q, %v", tt.postcode, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReadPrefersFullPostcodesAndRefusesStraddlingAreas(t *testing.T) {
	tab, err := Read(strings.NewReader("\ufeffPostcode,GemeenteCode,extra\n1234,0001,x\n1234,GM0002,x\n1234 ab,gm0002,x\n5678,GM0003,x\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		postcode string
		want     string
		ok       bool
	}{
		{"1234AB", "GM0002", true}, // PC6 row decides
		{"1234AC", "", false},      // area in two municipalities
		{"5678ZZ", "GM0003", true}, // PC4 row
		{"9999AA", "", false},      // unknown
	}
	for _, tt := range tests {
		got, ok := tab.Municipality(tt.postcode)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Municipality(%q) = %q, %v; want %q, %v", tt.postcode, got, ok, tt.want, tt.ok)
		}
	}
	if tab.Len() != 3 {
		t.Errorf("Len() = %d, want 3", tab.Len())
	}
}

func TestReadNamesTheBadLine(t *testing.T) {
	tests := []struct {
		name, csv, want string
	}{
		{"no header columns", "a;b\n1234;GM0001\n", `"postcode" and "gemeentecode"`},
		{"bad postcode", "postcode;gemeentecode\n1234;GM0001\n12X4;GM0001\n", "line 3"},
		{"bad code", "postcode;gemeentecode\n1234;Velsen\n", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Read error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNilTableKnowsNothing(t *testing.T) {
	var tab *Table
	if _, ok := tab.Municipality("1971AB"); ok {
		t.Error("a nil table found a municipality")
	}
}
