package vocab

import (
	"strings"
	"testing"
)

func TestIndicatorsParsed(t *testing.T) {
	v, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Indicators) < 20 {
		t.Fatalf("%d indicators", len(v.Indicators))
	}
	for _, in := range v.Indicators {
		if in.ID == "family-doctor-contract-rate" {
			if in.Name != "家庭医生签约服务率" || in.Unit != "%" || len(in.Synonyms) == 0 {
				t.Errorf("%+v", in)
			}
			return
		}
	}
	t.Error("family-doctor-contract-rate missing")
}

func TestIndicatorsValidated(t *testing.T) {
	v, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		inds []Indicator
		want string
	}{
		{"duplicate id", []Indicator{{ID: "a", Name: "甲率"}, {ID: "a", Name: "乙率"}}, "id used twice"},
		{"shared synonym", []Indicator{{ID: "a", Name: "甲率", Synonyms: []string{"丙率"}}, {ID: "b", Name: "乙率", Synonyms: []string{"丙率"}}}, "a name means one indicator"},
		{"width variant", []Indicator{{ID: "a", Name: "每千人口执业(助理)医师数"}, {ID: "b", Name: "每千人口执业（助理）医师数"}}, "a name means one indicator"},
		{"no name", []Indicator{{ID: "a"}}, "no name"},
		{"bad id", []Indicator{{ID: "A B", Name: "甲率"}}, "ascii slug"},
	} {
		w := *v
		w.Indicators = c.inds
		err := w.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
