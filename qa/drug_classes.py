"""Common drugs -> the class words a monograph uses for them.

Monographs name interacting drugs by class ("NSAIDs", "anticoagulants"), people by
product ("ibuprofen", "Advil"). Expanding a question with the class of each drug it
names lets "Can I take ibuprofen with Revlimid?" reach the NSAID sentence. The table
is a small ATC-style list of frequently co-prescribed and over-the-counter drugs.
"""

from __future__ import annotations

_CLASSES = {
    "nonsteroidal anti-inflammatory drugs NSAIDs pain reliever": (
        "ibuprofen advil motrin nurofen naproxen aleve diclofenac voltaren celecoxib celebrex ketorolac "
        "meloxicam indomethacin ketoprofen piroxicam etodolac nabumetone aspirin"),
    "anticoagulants blood thinners blood-thinning": (
        "warfarin coumadin jantoven heparin enoxaparin lovenox dalteparin apixaban eliquis rivaroxaban "
        "xarelto dabigatran pradaxa edoxaban savaysa fondaparinux"),
    "antiplatelet agents blood thinners": (
        "aspirin clopidogrel plavix prasugrel effient ticagrelor brilinta dipyridamole cilostazol"),
    "corticosteroids steroids": (
        "dexamethasone decadron prednisone prednisolone methylprednisolone medrol hydrocortisone "
        "cortisone budesonide triamcinolone betamethasone fludrocortisone"),
    "immunosuppressants immunosuppressive immune system": (
        "cyclosporine ciclosporin neoral sandimmune tacrolimus prograf sirolimus rapamune everolimus "
        "mycophenolate cellcept azathioprine imuran methotrexate leflunomide"),
    "antibiotics": (
        "amoxicillin augmentin penicillin ampicillin cephalexin keflex ceftriaxone ciprofloxacin cipro "
        "levofloxacin doxycycline azithromycin zithromax clarithromycin erythromycin gentamicin "
        "vancomycin trimethoprim sulfamethoxazole bactrim metronidazole flagyl clindamycin rifampin"),
    "antifungals": "fluconazole diflucan itraconazole ketoconazole voriconazole posaconazole",
    "statins cholesterol-lowering": (
        "atorvastatin lipitor simvastatin zocor rosuvastatin crestor pravastatin lovastatin"),
    "antidepressants": (
        "sertraline zoloft fluoxetine prozac citalopram escitalopram lexapro paroxetine venlafaxine "
        "duloxetine amitriptyline bupropion"),
    "antidiabetic blood sugar": "metformin glucophage insulin glipizide glyburide sitagliptin empagliflozin",
    "analgesics pain reliever over-the-counter medications": (
        "acetaminophen paracetamol tylenol panadol tramadol codeine oxycodone morphine hydrocodone"),
    "erythropoiesis-stimulating agents": "epoetin erythropoietin darbepoetin aranesp procrit epogen",
    "cardiac glycosides heart": "digoxin lanoxin",
    "herbal supplements": "ginkgo echinacea ginseng turmeric garlic kava valerian",
    "oral contraceptives hormonal contraception": "ethinyl estradiol levonorgestrel norethindrone",
    "antacids over-the-counter medications": "omeprazole prilosec esomeprazole nexium pantoprazole ranitidine famotidine tums",
}

DRUG_CLASSES: dict[str, tuple[str, ...]] = {}
for _class, _drugs in _CLASSES.items():
    for _drug in _drugs.split():
        DRUG_CLASSES[_drug] = DRUG_CLASSES.get(_drug, ()) + (_class,)


def drug_class_terms(word: str) -> tuple[str, ...]:
    """Class phrases for a drug name ("advil" -> NSAIDs ...); empty when unknown."""
    return DRUG_CLASSES.get(word.lower(), ())
