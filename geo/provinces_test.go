package geo

import "testing"

func TestProvinceCode(t *testing.T) {
	for name, want := range map[string]string{
		"Hà Nội": "01", "Ha Noi": "01", "Tỉnh Hòa Bình": "17", "Hoa Binh": "17", "Phú Thọ": "25",
		"Thành phố Hồ Chí Minh": "79", "Hồ Chí Minh": "79", "TP. Hồ Chí Minh": "79", "Bà Rịa - Vũng Tàu": "77",
		"Ba Ria-Vung Tau": "77", "Đắk Lắk": "66", "Thừa Thiên Huế": "46", "Atlantis": "", "": "",
	} {
		if got := ProvinceCode(name); got != want {
			t.Errorf("ProvinceCode(%q) = %q, want %q", name, got, want)
		}
	}
	if len(provinces) != 63 || len(provinceByKey) != 63 {
		t.Fatalf("%d provinces, %d names: want 63 of each", len(provinces), len(provinceByKey))
	}
	if ProvinceName("25") != "Phú Thọ" || ProvinceName("99") != "" {
		t.Fatal("ProvinceName")
	}
}
