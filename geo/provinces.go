package geo

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// provinces are Vietnam's provinces and centrally run cities by their GSO
// codes (the national list of administrative unit codes, Decision
// 124/2004/QĐ-TTg and its amendments): the 63 until 30 June 2025. The
// 34 since 1 July 2025 kept the codes of the provinces they took their
// names from (Phú Thọ, 25, took in Vĩnh Phúc and Hòa Bình).
var provinces = map[string]string{
	"01": "Hà Nội", "02": "Hà Giang", "04": "Cao Bằng", "06": "Bắc Kạn", "08": "Tuyên Quang",
	"10": "Lào Cai", "11": "Điện Biên", "12": "Lai Châu", "14": "Sơn La", "15": "Yên Bái",
	"17": "Hòa Bình", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh", "24": "Bắc Giang",
	"25": "Phú Thọ", "26": "Vĩnh Phúc", "27": "Bắc Ninh", "30": "Hải Dương", "31": "Hải Phòng",
	"33": "Hưng Yên", "34": "Thái Bình", "35": "Hà Nam", "36": "Nam Định", "37": "Ninh Bình",
	"38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Bình", "45": "Quảng Trị",
	"46": "Thừa Thiên Huế", "48": "Đà Nẵng", "49": "Quảng Nam", "51": "Quảng Ngãi", "52": "Bình Định",
	"54": "Phú Yên", "56": "Khánh Hòa", "58": "Ninh Thuận", "60": "Bình Thuận", "62": "Kon Tum",
	"64": "Gia Lai", "66": "Đắk Lắk", "67": "Đắk Nông", "68": "Lâm Đồng", "70": "Bình Phước",
	"72": "Tây Ninh", "74": "Bình Dương", "75": "Đồng Nai", "77": "Bà Rịa - Vũng Tàu", "79": "Hồ Chí Minh",
	"80": "Long An", "82": "Tiền Giang", "83": "Bến Tre", "84": "Trà Vinh", "86": "Vĩnh Long",
	"87": "Đồng Tháp", "89": "An Giang", "91": "Kiên Giang", "92": "Cần Thơ", "93": "Hậu Giang",
	"94": "Sóc Trăng", "95": "Bạc Liêu", "96": "Cà Mau",
}

// provinceByKey is provinces' codes by the folded name (fold).
var provinceByKey = func() map[string]string {
	m := make(map[string]string, len(provinces))
	for code, name := range provinces {
		m[fold(name)] = code
	}
	return m
}()

// ProvinceName returns the name of the province with GSO code code, or ""
// for a code that names none.
func ProvinceName(code string) string { return provinces[code] }

// ProvinceCode returns the GSO code of the province named name, with or
// without diacritics and a "Tỉnh" or "Thành phố" before it ("Hà Nội",
// "Ha Noi", "Thành phố Hồ Chí Minh"), or "" when no province has the name.
func ProvinceCode(name string) string {
	k := fold(name)
	if code, ok := provinceByKey[k]; ok {
		return code
	}
	for _, prefix := range []string{"tinh", "thanhpho", "tp"} {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			if code, ok := provinceByKey[rest]; ok {
				return code
			}
		}
	}
	return ""
}

// fold is a name for matching: lower case, without diacritics, spaces,
// dashes or dots.
func fold(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case unicode.Is(unicode.Mn, r), unicode.IsSpace(r), r == '-', r == '.':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
