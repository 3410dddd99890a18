"""Write `data/example_plan.xlsx`, the fictional plan Horizon ships and opens by default.

The Communauté d'agglomération du Val de Loire-Sud does not exist; its « Schéma directeur
du numérique 2023–2029 » is made up to exercise everything the dashboard shows: axes with
and without actions, an action outside the strategy, axes referenced by id and by title,
actions crossing the 2026 and 2032 municipal elections, late actions and milestones,
milestones due soon, dependencies, indicators measured several times.

Run `python data/make_example.py [OUT.xlsx]`. The output is byte-for-byte reproducible:
the plan's version is the SHA-256 of its bytes, so a regenerated but unchanged example
keeps every shared link to it valid.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# Run as a script, Python puts data/ on the path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.columns import (ACTIONS, INDICATORS, MILESTONES, SETTINGS,  # noqa: E402
                             STRATEGY, SheetSchema)

OUTPUT = ROOT / "data" / "example_plan.xlsx"

STATUS_DATE = dt.date(2026, 10, 15)
ORGANISATION = "Communauté d'agglomération du Val de Loire-Sud"
TITLE = "Schéma directeur du numérique 2023–2029"

# Excel format codes: `,` is the locale's thousands separator, so French Excel and
# LibreOffice show `1 500 000 €`; the space before `%` and `€` is a literal.
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0 %"
MONEY_FORMAT = '#,##0 "€"'
NUMBER_FORMAT = "#,##0"
FORMATS = {"date": DATE_FORMAT, "percent": PERCENT_FORMAT, "money": MONEY_FORMAT}

# A fixed timestamp for the document properties and the zip entries (see module docstring).
FIXED_TIME = dt.datetime(2026, 10, 15, 9, 0, 0)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- Stratégie -------------------------------------------------------------------------

AXES = [
    {"id": "AX1", "title": "Services publics numériques accessibles",
     "purpose": "Permettre à chaque habitant d'accomplir ses démarches en ligne, simplement et "
                "sans exclusion, à toute heure.",
     "start": "2022-01-01", "end": "2032-12-31", "color": "#1F77B4"},
    {"id": "AX2", "title": "Inclusion numérique",
     "purpose": "Qu'aucun habitant ne soit privé d'un droit faute de savoir ou de pouvoir "
                "utiliser le numérique.",
     "start": "2022-01-01", "end": "2032-12-31", "color": "#2CA02C"},
    {"id": "AX3", "title": "Données et transparence",
     "purpose": "Ouvrir les données publiques et piloter les politiques communautaires par la "
                "donnée.",
     "start": "2022-01-01", "end": "2032-12-31", "color": "#9467BD"},
    {"id": "AX4", "title": "Infrastructures et cybersécurité",
     "purpose": "Garantir des services disponibles, sûrs et souverains aux 32 communes "
                "membres sur le long terme.",
     "start": "2022-01-01", "end": "2035-12-31", "color": "#D62728"},
    {"id": "AX5", "title": "Sobriété numérique",
     "purpose": "Réduire l'empreinte environnementale du numérique communautaire, "
                "conformément à la loi REEN.",
     "start": "2022-01-01", "end": "2032-12-31", "color": "#17BECF"},
    {"id": "AX6", "title": "Territoire intelligent",
     "purpose": "Mieux gérer l'eau, l'énergie, les déchets et les mobilités grâce aux "
                "capteurs et aux données du territoire.",
     "start": "2027-01-01", "end": "2032-12-31", "color": "#FF7F0E"},
]

# --- Plan ------------------------------------------------------------------------------

# Eight people, six services: each owner belongs to one service.
OWNERS = {
    "Claire Vasseur": "DSI",
    "Julien Marchand": "DSI",
    "Karim Haddad": "DSI",
    "Nadia Benali": "Direction de la relation usager",
    "Thomas Girard": "Direction de l'aménagement",
    "Élodie Fournier": "Direction des ressources humaines",
    "Marc Delaunay": "Direction générale des services",
    "Camille Roussel": "Direction de la communication",
}
# The vice-president who answers for each axis; actions outside the strategy go to finance.
ELECTED = {
    "AX1": "Anne Morel", "AX2": "Isabelle Garnier", "AX3": "Anne Morel",
    "AX4": "Patrick Chevalier", "AX5": "Bernard Lefebvre", None: "Patrick Chevalier",
}
AXIS_TITLES = {axis["id"]: axis["title"] for axis in AXES}


def action(id: str, axis: str | None, objective: str, title: str, owner: str, start: str,
           end: str, status: str, progress: float, weather: str | None, budget: int,
           depends: str = "", description: str = "", attention: str | None = None,
           decision: str | None = None, axis_by_title: bool = False) -> dict:
    """One row of the Plan sheet; `axis_by_title` writes the axis's title instead of its id."""
    return {
        "id": id, "axis_id": AXIS_TITLES[axis] if axis_by_title else axis,
        "objective": objective, "title": title, "owner": owner, "service": OWNERS[owner],
        "elected": ELECTED[axis], "start": _day(start), "end": _day(end), "status": status,
        "progress": progress, "weather": weather, "budget": budget, "depends_on": depends,
        "description": description, "attention": attention, "decision": decision,
        "_axis": axis,  # the axis id, for the checks below; not written
    }


SIMPLIFY = "Simplifier les démarches des usagers"
ACCESSIBLE = "Garantir l'accessibilité des services en ligne"
ADMIN = "Moderniser la chaîne administrative"
ACCOMPANY = "Accompagner les publics éloignés du numérique"
TRAIN = "Former les agents à la médiation numérique"
OPEN = "Ouvrir et partager les données publiques"
STEER = "Piloter par la donnée"
SECURE = "Sécuriser le système d'information"
MODERNISE = "Moderniser les infrastructures"
FOOTPRINT = "Réduire l'empreinte environnementale du numérique"

ACTION_ROWS = [
    action("A01", "AX1", SIMPLIFY, "Refonte du portail citoyen", "Camille Roussel",
           "2023-03-01", "2024-12-31", "terminé", 1.0, "soleil", 450_000,
           description="Nouveau portail de l'agglomération, responsive et centré sur les "
                       "démarches les plus demandées."),
    action("A02", "AX1", SIMPLIFY, "Gestion de la relation usager (GRU) multicanale",
           "Nadia Benali", "2023-09-01", "2026-06-30", "en cours", 0.8, "pluie", 780_000,
           description="Un guichet unique (téléphone, courriel, portail, accueil) avec suivi "
                       "de chaque demande jusqu'à sa réponse.",
           attention="La bascule des services déchets et voirie a pris six mois de retard.",
           decision="Prolonger le marché de l'intégrateur jusqu'au 31/03/2027."),
    action("A03", "AX1", SIMPLIFY, "Dématérialisation des autorisations d'urbanisme",
           "Thomas Girard", "2023-01-01", "2024-06-30", "terminé", 1.0, "soleil", 320_000,
           description="Guichet numérique des autorisations d'urbanisme (GNAU) raccordé à "
                       "PLAT'AU pour les 32 communes membres."),
    action("A04", "AX1", SIMPLIFY, "Prise de rendez-vous en ligne dans les France Services",
           "Nadia Benali", "2024-01-01", "2024-12-31", "terminé", 1.0, "soleil", 60_000,
           description="Réservation en ligne des créneaux des France Services et des "
                       "permanences des partenaires."),
    action("A05", "AX1", ACCESSIBLE, "Audit RGAA et mise en conformité des sites",
           "Camille Roussel", "2024-04-01", "2027-06-30", "en cours", 0.55, "nuages", 140_000,
           description="Audit du portail et des sites thématiques, schéma pluriannuel "
                       "d'accessibilité, corrections et déclaration d'accessibilité.",
           attention="Les corrections dépendent de l'éditeur du module de paiement."),
    action("A06", "AX1", SIMPLIFY, "Demande de place en crèche en ligne", "Nadia Benali",
           "2025-09-01", "2027-03-31", "en cours", 0.4, "soleil", 180_000, depends="A01",
           description="Guichet unique petite enfance sur le portail : demande, suivi et "
                       "commission d'attribution dématérialisés."),
    action("A07", "AX1", SIMPLIFY, "Paiement en ligne des factures d'eau et de la redevance "
           "déchets (PayFiP)", "Marc Delaunay", "2025-01-01", "2026-03-31", "terminé", 1.0,
           "soleil", 95_000,
           description="Paiement par carte et prélèvement via PayFiP, avec la DGFiP."),
    action("A08", "AX1", SIMPLIFY, "Compte usager unique avec FranceConnect", "Nadia Benali",
           "2027-01-01", "2029-06-30", "à lancer", 0.0, None, 600_000, depends="A01, A02",
           description="Un seul compte pour toutes les démarches communautaires et "
                       "communales, connecté à FranceConnect."),
    action("A09", "AX1", SIMPLIFY, "Accueil augmenté : base de connaissances et agent "
           "conversationnel", "Karim Haddad", "2028-01-01", "2032-06-30", "à lancer", 0.0,
           None, 350_000, depends="A02",
           description="Une base de connaissances partagée par tous les accueils et un agent "
                       "conversationnel sur le portail.",
           decision="Inscrire l'opération au plan pluriannuel d'investissement 2028–2032."),
    action("A10", "AX2", ACCOMPANY, "Conseillers numériques France Services",
           "Nadia Benali", "2023-01-01", "2026-12-31", "en cours", 0.85, "soleil", 480_000,
           description="Six conseillers numériques dans les France Services et les "
                       "médiathèques du réseau.",
           attention="Le financement de l'État s'arrête au 31/12/2026.",
           decision="Pérenniser ou non les six postes de conseiller numérique en 2027."),
    action("A11", "AX2", ACCOMPANY, "Ateliers numériques dans les médiathèques du réseau",
           "Marc Delaunay", "2023-09-01", "2025-06-30", "terminé", 1.0, "soleil", 55_000,
           description="Ateliers d'initiation (smartphone, messagerie, démarches) dans les "
                       "onze médiathèques.", axis_by_title=True),
    action("A12", "AX2", ACCOMPANY, "Diagnostic territorial de l'inclusion numérique",
           "Marc Delaunay", "2023-02-01", "2023-09-30", "terminé", 1.0, "soleil", 40_000,
           description="Cartographie des publics, des lieux de médiation et des zones "
                       "blanches du territoire."),
    action("A13", "AX2", ACCOMPANY, "Équipements reconditionnés pour les publics fragiles",
           "Julien Marchand", "2025-01-01", "2026-12-31", "en cours", 0.5, "nuages", 90_000,
           depends="A12",
           description="Don d'ordinateurs réformés et reconditionnés par une entreprise de "
                       "l'économie sociale et solidaire."),
    action("A14", "AX2", TRAIN, "Formation des agents d'accueil à l'accompagnement numérique",
           "Élodie Fournier", "2024-03-01", "2026-06-30", "en cours", 0.7, "pluie", 65_000,
           depends="A12",
           description="Deux promotions de quarante agents d'accueil formés à la médiation "
                       "numérique.",
           attention="La seconde promotion est reportée faute de remplaçants."),
    action("A15", "AX2", ACCOMPANY, "Déploiement d'Aidants Connect dans les CCAS",
           "Nadia Benali", "2024-09-01", "2025-12-31", "suspendu", 0.3, "orage", 35_000,
           description="Habiliter les aidants des CCAS à faire des démarches pour le compte "
                       "des usagers.",
           attention="Suspendu : les CCAS de six communes n'ont pas signé la convention.",
           decision="Relancer l'action avec les seules communes volontaires ou l'abandonner."),
    action("A16", "AX2", ACCOMPANY, "France Services itinérante (bus numérique)",
           "Marc Delaunay", "2027-03-01", "2030-12-31", "à lancer", 0.0, None, 520_000,
           depends="A10",
           description="Un bus aménagé qui tient des permanences dans les communes rurales."),
    action("A17", "AX3", OPEN, "Ouverture des données publiques (open data)", "Karim Haddad",
           "2023-06-01", "2025-12-31", "terminé", 1.0, "soleil", 80_000,
           description="Portail de données ouvertes moissonné par data.gouv.fr et "
                       "publication du socle commun des données locales."),
    action("A18", "AX3", STEER, "Système d'information géographique (SIG) intercommunal",
           "Thomas Girard", "2023-01-01", "2026-12-31", "en cours", 0.75, "soleil", 650_000,
           description="Un SIG mutualisé pour l'agglomération et les 32 communes membres.",
           axis_by_title=True),
    action("A19", "AX3", STEER, "Nomination d'un administrateur des données et gouvernance "
           "de la donnée", "Karim Haddad", "2024-01-01", "2024-12-31", "terminé", 1.0,
           "soleil", 25_000,
           description="Un administrateur des données et une charte de gouvernance adoptée."),
    action("A20", "AX3", STEER, "Tableaux de bord de pilotage des politiques publiques",
           "Karim Haddad", "2025-06-01", "2027-12-31", "en cours", 0.35, "nuages", 420_000,
           depends="A19",
           description="Entrepôt de données et tableaux de bord partagés par les directions.",
           attention="L'entrepôt de données n'est pas encore en service."),
    action("A21", "AX3", OPEN, "Publication des données essentielles et des délibérations",
           "Marc Delaunay", "2026-01-01", "2026-09-30", "en cours", 0.85, "nuages", 30_000,
           depends="A17",
           description="Publication automatique des marchés publics et des délibérations "
                       "sur le portail de données."),
    action("A22", "AX3", STEER, "Plateforme de données territoriales (eau, déchets, "
           "mobilités)", "Thomas Girard", "2028-01-01", "2031-12-31", "à lancer", 0.0, None,
           750_000, depends="A18, A20",
           description="Une plateforme qui réunit les données des services urbains."),
    action("A23", "AX4", SECURE, "Plan de continuité et de reprise informatique (PCA/PRA)",
           "Julien Marchand", "2023-04-01", "2025-03-31", "terminé", 1.0, "soleil", 210_000,
           description="Analyse d'impact, site de secours et tests de bascule annuels."),
    action("A24", "AX4", MODERNISE, "Migration vers le cloud souverain (SecNumCloud)",
           "Claire Vasseur", "2026-01-01", "2032-12-31", "en cours", 0.15, "soleil",
           1_500_000, depends="A23",
           description="Hébergement des applications chez un prestataire qualifié "
                       "SecNumCloud, puis fermeture de la salle serveurs.",
           decision="Attribuer le marché d'hébergement en décembre 2026."),
    action("A25", "AX4", MODERNISE, "Renouvellement du parc de postes de travail",
           "Julien Marchand", "2024-01-01", "2027-12-31", "en cours", 0.6, "soleil",
           1_200_000,
           description="1 200 postes renouvelés en trois tranches, avec reprise et "
                       "reconditionnement des anciens."),
    action("A26", "AX4", MODERNISE, "Raccordement des bâtiments communautaires à la fibre",
           "Julien Marchand", "2023-05-01", "2026-06-30", "terminé", 1.0, "soleil", 900_000,
           description="48 bâtiments (sièges, piscines, déchèteries, médiathèques) "
                       "raccordés en fibre optique."),
    action("A27", "AX4", SECURE, "Parcours de cybersécurité ANSSI et plan de sécurisation",
           "Claire Vasseur", "2023-10-01", "2026-12-31", "en cours", 0.7, "pluie", 380_000,
           description="Audit, authentification multifacteur, détection sur les postes et "
                       "homologation des services en ligne.",
           attention="Deux applications métier ne supportent pas encore l'authentification "
                     "multifacteur."),
    action("A28", "AX4", MODERNISE, "Équipement et sécurisation du télétravail",
           "Élodie Fournier", "2023-01-01", "2023-12-31", "terminé", 1.0, "soleil", 150_000,
           description="Charte du télétravail, ordinateurs portables et VPN pour 350 "
                       "agents."),
    action("A29", "AX4", MODERNISE, "Mutualisation du réseau avec les communes membres",
           "Julien Marchand", "2027-01-01", "2033-06-30", "à lancer", 0.0, None, 1_100_000,
           depends="A26",
           description="Les mairies raccordées au réseau communautaire et à ses services."),
    action("A30", "AX4", SECURE, "Sauvegardes externalisées et remplacement du stockage",
           "Claire Vasseur", "2029-01-01", "2033-12-31", "à lancer", 0.0, None, 800_000,
           depends="A23",
           description="Sauvegardes hors site immuables et nouvelle baie de stockage."),
    action("A31", "AX4", SECURE, "Exercices de crise cyber annuels", "Claire Vasseur",
           "2025-01-01", "2029-12-31", "en cours", 0.3, "soleil", 60_000,
           description="Un exercice de gestion de crise par an, avec les communes membres "
                       "à partir de 2026."),
    action("A32", "AX5", FOOTPRINT, "Allongement de la durée de vie des équipements",
           "Julien Marchand", "2025-01-01", "2027-06-30", "en cours", 0.45, "nuages", 70_000,
           description="Renouvellement à six ans au lieu de quatre et filière de "
                       "reconditionnement.", axis_by_title=True),
    action("A33", "AX5", FOOTPRINT, "Bilan carbone du numérique et stratégie numérique "
           "responsable", "Marc Delaunay", "2023-06-01", "2024-06-30", "terminé", 1.0,
           "soleil", 45_000,
           description="Bilan carbone du numérique et stratégie numérique responsable "
                       "exigée par la loi REEN."),
    action("A34", "AX5", FOOTPRINT, "Écoconception des services numériques (RGESN)",
           "Camille Roussel", "2026-06-01", "2028-06-30", "en cours", 0.1, "nuages", 110_000,
           depends="A33",
           description="Référentiel général d'écoconception appliqué aux nouveaux projets."),
    action("A35", "AX5", FOOTPRINT, "Optimisation énergétique de la salle serveurs",
           "Julien Marchand", "2027-01-01", "2028-12-31", "à lancer", 0.0, None, 240_000,
           depends="A33",
           description="Confinement des allées froides et refroidissement par l'air "
                       "extérieur."),
    action("A36", "AX1", ADMIN, "Parapheur électronique et signature des actes",
           "Marc Delaunay", "2023-03-01", "2024-03-31", "terminé", 1.0, "soleil", 75_000,
           description="Circuits de validation et signature électronique des actes."),
    action("A37", "AX3", OPEN, "Archivage électronique (SAE mutualisé)", "Karim Haddad",
           "2025-03-01", "2027-12-31", "en cours", 0.3, "pluie", 260_000, depends="A36",
           description="Système d'archivage électronique mutualisé avec le département.",
           attention="Le plan de classement des archives n'est pas validé par les "
                     "Archives départementales."),
    action("A38", "AX1", ADMIN, "Gestion électronique des documents (GED) collaborative",
           "Claire Vasseur", "2024-06-01", "2026-12-31", "en cours", 0.65, "nuages", 230_000,
           depends="A36",
           description="Une GED commune à toutes les directions, reliée au parapheur."),
    action("A39", None, "Moderniser les outils de travail", "Renouvellement de la téléphonie "
           "(ToIP)", "Julien Marchand", "2024-01-01", "2025-06-30", "terminé", 1.0, "soleil",
           190_000,
           description="Remplacement de l'autocommutateur par une téléphonie sur IP."),
    action("A40", "AX1", SIMPLIFY, "Application mobile intercommunale", "Camille Roussel",
           "2024-01-01", "2025-12-31", "abandonné", 0.2, None, 150_000,
           description="Une application mobile de services aux habitants.",
           attention="Abandonnée au profit du portail adaptatif (A01) : usages trop faibles "
                     "pour justifier une application."),
]

# --- Jalons ----------------------------------------------------------------------------

LATE = "late"  # a milestone that should have happened and has not
MILESTONE_ROWS = [
    # (action, jalon, planned date, instance[, LATE])
    ("A01", "Attribution du marché de refonte", "2023-06-30", "Bureau communautaire"),
    ("A01", "Mise en ligne du nouveau portail", "2024-10-15", "COPIL"),
    ("A02", "Attribution du marché GRU", "2024-01-31", "Bureau communautaire"),
    ("A02", "Ouverture du guichet unique téléphone et courriel", "2024-11-29", "COPIL"),
    ("A02", "Intégration des demandes de voirie et de déchets", "2025-09-30", "COPIL"),
    ("A02", "Bascule des derniers services dans la GRU", "2026-05-29", "COPIL", LATE),
    ("A03", "Raccordement du logiciel d'instruction à PLAT'AU", "2023-06-30", "CODIR"),
    ("A03", "Ouverture du GNAU aux 32 communes membres", "2024-05-31",
     "Conseil communautaire"),
    ("A04", "Mise en service de la prise de rendez-vous", "2024-06-28", "COPIL"),
    ("A04", "Bilan de fréquentation", "2024-12-13", "CODIR"),
    ("A05", "Audit RGAA du portail et des sites thématiques", "2024-09-30", "COPIL"),
    ("A05", "Adoption du schéma pluriannuel d'accessibilité", "2025-03-31",
     "Conseil communautaire"),
    ("A05", "Correction des non-conformités bloquantes", "2026-06-30", "COPIL", LATE),
    ("A05", "Contre-audit et déclaration d'accessibilité", "2027-05-28", "COPIL"),
    ("A06", "Paramétrage du module de demande de place", "2026-03-31", "COPIL"),
    ("A06", "Ouverture des demandes de place en ligne", "2026-11-02", "COPIL"),
    ("A06", "Première commission d'attribution dématérialisée", "2027-03-15",
     "Bureau communautaire"),
    ("A07", "Paiement en ligne des factures d'eau", "2025-11-28", "COPIL"),
    ("A07", "Extension à la redevance déchets", "2026-03-20", "COPIL"),
    ("A08", "Étude de cadrage FranceConnect", "2027-06-30", "COPIL"),
    ("A08", "Ouverture du compte usager unique", "2028-09-29", "Conseil communautaire"),
    ("A09", "Expérimentation dans deux France Services", "2029-06-29", "COPIL"),
    ("A09", "Généralisation à tous les accueils", "2031-06-30", "Conseil communautaire"),
    ("A09", "Évaluation et bilan", "2032-05-28", "COPIL"),
    ("A10", "Recrutement des six conseillers numériques", "2023-04-28",
     "Bureau communautaire"),
    ("A10", "Bilan à mi-parcours", "2025-01-31", "Conseil communautaire"),
    ("A10", "Décision de pérennisation des postes", "2026-11-26", "Conseil communautaire"),
    ("A11", "Premier cycle d'ateliers", "2024-01-31", "CODIR"),
    ("A11", "Bilan des ateliers", "2025-06-27", "COPIL"),
    ("A12", "Restitution du diagnostic", "2023-09-28", "Conseil communautaire"),
    ("A13", "Première distribution de 150 ordinateurs", "2025-12-12", "COPIL"),
    ("A13", "Deuxième distribution de 150 ordinateurs", "2026-10-30", "COPIL"),
    ("A14", "Plan de formation validé", "2024-06-28", "CODIR"),
    ("A14", "Formation de la première promotion", "2025-02-28", "CODIR"),
    ("A14", "Formation de la seconde promotion", "2026-04-30", "CODIR", LATE),
    ("A15", "Habilitation des premières structures", "2025-01-31", "COPIL"),
    ("A15", "Déploiement dans les CCAS", "2025-09-30", "COPIL", LATE),
    ("A16", "Acquisition et aménagement du véhicule", "2027-12-17", "Conseil communautaire"),
    ("A16", "Première tournée dans les communes rurales", "2028-04-28", "COPIL"),
    ("A17", "Ouverture du portail de données", "2023-12-15", "COPIL"),
    ("A17", "Publication du socle commun des données locales", "2025-11-28", "CODIR"),
    ("A18", "Convention de mutualisation avec les communes", "2024-02-29",
     "Conseil communautaire"),
    ("A18", "Raccordement des 20 premières communes", "2025-06-30", "COPIL"),
    ("A18", "Raccordement des 12 dernières communes", "2026-12-18", "COPIL"),
    ("A19", "Nomination de l'administrateur des données", "2024-03-29", "CODIR"),
    ("A19", "Adoption de la charte de gouvernance de la donnée", "2024-11-29",
     "Bureau communautaire"),
    ("A20", "Cadrage des indicateurs avec les directions", "2025-10-31", "CODIR"),
    ("A20", "Mise en service de l'entrepôt de données", "2026-07-31", "COPIL", LATE),
    ("A20", "Premiers tableaux de bord publiés", "2027-03-31", "CODIR"),
    ("A21", "Publication des données de la commande publique", "2026-04-30", "COPIL"),
    ("A21", "Publication automatique des délibérations", "2026-09-15",
     "Bureau communautaire", LATE),
    ("A22", "Étude d'opportunité", "2028-06-30", "COPIL"),
    ("A22", "Ouverture de la plateforme", "2030-06-28", "Conseil communautaire"),
    ("A23", "Mise en service du site de secours", "2024-09-30", "COPIL"),
    ("A23", "Premier test de bascule", "2025-03-14", "CODIR"),
    ("A24", "Stratégie d'hébergement validée", "2026-06-30", "Bureau communautaire"),
    ("A24", "Attribution du marché d'hébergement SecNumCloud", "2026-12-11",
     "Conseil communautaire"),
    ("A24", "Migration des applications métier (première vague)", "2029-06-29", "COPIL"),
    ("A24", "Fermeture de la salle serveurs", "2032-10-29", "COPIL"),
    ("A25", "Tranche 1 : 400 postes", "2025-03-31", "COPIL"),
    ("A25", "Tranche 2 : 400 postes", "2026-10-09", "COPIL"),
    ("A25", "Tranche 3 : 400 postes", "2027-10-29", "COPIL"),
    ("A26", "Raccordement du siège et des piscines", "2024-06-28", "COPIL"),
    ("A26", "Raccordement des 48 bâtiments achevé", "2026-06-26", "COPIL"),
    ("A27", "Audit du parcours de cybersécurité ANSSI", "2024-02-29", "COPIL"),
    ("A27", "Détection et réponse sur les postes et serveurs (EDR)", "2025-10-31", "COPIL"),
    ("A27", "Homologation de sécurité des services en ligne", "2026-11-13",
     "Bureau communautaire"),
    ("A28", "350 agents équipés pour le télétravail", "2023-11-30", "CODIR"),
    ("A29", "Schéma de mutualisation avec les communes", "2027-12-17",
     "Conseil communautaire"),
    ("A29", "Raccordement des mairies au réseau communautaire", "2030-06-28", "COPIL"),
    ("A30", "Attribution du marché de sauvegarde", "2029-09-28", "Bureau communautaire"),
    ("A30", "Sauvegardes externalisées opérationnelles", "2031-03-31", "COPIL"),
    ("A31", "Premier exercice de crise cyber", "2025-06-13", "CODIR"),
    ("A31", "Exercice de crise avec les communes membres", "2026-06-12", "CODIR"),
    ("A32", "Politique de renouvellement à six ans", "2025-06-30", "CODIR"),
    ("A32", "Filière de reconditionnement opérationnelle", "2026-09-30", "COPIL", LATE),
    ("A33", "Bilan carbone du numérique", "2023-12-15", "COPIL"),
    ("A33", "Adoption de la stratégie numérique responsable", "2024-06-27",
     "Conseil communautaire"),
    ("A34", "Formation des chefs de projet au RGESN", "2026-12-04", "CODIR"),
    ("A34", "Premier audit RGESN du portail", "2027-06-30", "COPIL"),
    ("A35", "Audit énergétique de la salle serveurs", "2027-04-30", "COPIL"),
    ("A35", "Travaux de confinement et de refroidissement", "2028-06-30",
     "Bureau communautaire"),
    ("A36", "Mise en service du parapheur électronique", "2023-09-29", "CODIR"),
    ("A36", "Signature électronique de tous les actes du Bureau", "2024-03-29",
     "Bureau communautaire"),
    ("A37", "Choix du SAE mutualisé avec le département", "2025-09-30",
     "Bureau communautaire"),
    ("A37", "Versement des premières délibérations", "2026-10-23", "COPIL"),
    ("A38", "Déploiement dans les directions pilotes", "2025-11-28", "COPIL"),
    ("A38", "Généralisation à toutes les directions", "2026-12-11", "CODIR"),
    ("A39", "Migration du siège", "2024-10-31", "CODIR"),
    ("A39", "Migration des sites distants", "2025-06-27", "CODIR"),
    ("A40", "Décision d'arrêt au profit du portail adaptatif", "2024-12-12",
     "Bureau communautaire"),
]

# Days between a done milestone's planned and actual dates, in turn: some early, most late.
ACTUAL_OFFSETS = (0, 3, -2, 7, 14, 1, 0, 10, -5, 21)
UPCOMING_DAYS = 90


def milestone_rows(actions: list[dict]) -> list[dict]:
    """Milestones with ids, statuses and actual dates derived from the status date."""
    by_id = {row["id"]: row for row in actions}
    rows = []
    for number, (action_id, title, planned, instance, *flags) in enumerate(MILESTONE_ROWS, 1):
        planned = _day(planned)
        owner = by_id[action_id]
        actual = None
        if LATE in flags:
            status = "en cours"
        elif planned < STATUS_DATE:
            status = "terminé"
            actual = planned + dt.timedelta(days=ACTUAL_OFFSETS[number % len(ACTUAL_OFFSETS)])
            actual = max(owner["start"], min(actual, owner["end"], STATUS_DATE))
        elif planned <= STATUS_DATE + dt.timedelta(days=UPCOMING_DAYS):
            status = "en cours"
        else:
            status = "à lancer"
        rows.append({"id": f"J{number:03d}", "action_id": action_id, "title": title,
                     "planned": planned, "actual": actual, "status": status,
                     "instance": instance})
    return rows


# --- Indicateurs -----------------------------------------------------------------------

INDICATOR_ROWS = [
    # (id, action or axis, indicator, unit, baseline, baseline date, target, target date,
    #  [(measured on, value), …]) — one sheet row per measure, one empty row when none yet
    ("I01", "A01", "Part des démarches réalisables en ligne", "%", 35, "2023-01-01", 80,
     "2027-12-31", [("2024-12-31", 52), ("2025-12-31", 61), ("2026-09-30", 68)]),
    ("I02", "A02", "Délai moyen de réponse aux demandes des usagers", "jours", 12,
     "2023-06-30", 5, "2026-12-31", [("2025-06-30", 9), ("2026-06-30", 8)]),
    ("I03", "AX2", "Personnes accompagnées par les conseillers numériques", "nombre", 0,
     "2023-01-01", 6000, "2026-12-31",
     [("2023-12-31", 850), ("2024-12-31", 1850), ("2025-12-31", 3900), ("2026-09-30", 5200)]),
    ("I04", "A05", "Taux de conformité RGAA du portail", "%", 42, "2024-09-30", 100,
     "2027-06-30", [("2025-06-30", 61), ("2026-06-30", 78)]),
    ("I05", "A17", "Jeux de données publiés en open data", "nombre", 3, "2023-06-01", 60,
     "2025-12-31", [("2024-06-30", 18), ("2025-12-31", 47), ("2026-09-30", 53)]),
    ("I06", "AX4", "Postes de travail à jour des correctifs de sécurité", "%", 71,
     "2023-10-01", 98, "2026-12-31", [("2025-06-30", 88), ("2026-09-30", 94)]),
    ("I07", "A27", "Délai moyen de correction des vulnérabilités critiques", "jours", 45,
     "2023-10-01", 7, "2026-12-31", [("2024-12-31", 21), ("2025-12-31", 12)]),
    ("I08", "A25", "Postes de travail renouvelés", "nombre", 0, "2024-01-01", 1200,
     "2027-12-31", [("2024-12-31", 300), ("2025-12-31", 620), ("2026-09-30", 790)]),
    ("I09", "AX5", "Part des équipements réemployés ou reconditionnés", "%", 5, "2024-12-31",
     40, "2028-12-31", [("2025-12-31", 14)]),
    ("I10", "A33", "Coût annuel des impressions", "€", 185_000, "2023-12-31", 90_000,
     "2028-12-31", [("2024-12-31", 162_000), ("2025-12-31", 131_000)]),
    ("I11", "A24", "Part des applications hébergées en cloud souverain", "%", 0, "2026-01-01",
     80, "2032-12-31", [("2026-09-30", 8)]),
    ("I12", "A03", "Part des demandes d'urbanisme déposées en ligne", "%", 0, "2023-01-01", 70,
     "2025-12-31", [("2024-06-30", 38), ("2025-06-30", 57), ("2026-06-30", 66)]),
    ("I13", "A18", "Communes membres utilisant le SIG", "nombre", 4, "2023-01-01", 32,
     "2026-12-31", [("2024-12-31", 11), ("2025-12-31", 20), ("2026-09-30", 24)]),
    ("I14", "AX1", "Usagers satisfaits des services en ligne (enquête annuelle)", "%", 64,
     "2023-06-30", 80, "2028-12-31", [("2024-06-30", 68), ("2025-06-30", 71)]),
    ("I15", "A34", "Services numériques écoconçus (RGESN)", "nombre", 0, "2026-06-01", 12,
     "2028-06-30", []),
]


def indicator_rows() -> list[dict]:
    """One row per measure; an indicator not measured yet gets one row without a value."""
    rows = []
    for (identifier, target_ref, name, unit, ref_value, ref_date, target, target_date,
         measures) in INDICATOR_ROWS:
        for measured_on, value in measures or [(None, None)]:
            rows.append({"id": identifier, "target_ref": target_ref, "name": name,
                         "unit": unit, "ref_value": ref_value, "ref_date": _day(ref_date),
                         "target": target, "target_date": _day(target_date), "value": value,
                         "measured_on": _day(measured_on) if measured_on else None})
    return rows


# --- checks ----------------------------------------------------------------------------

def check(axes: list[dict], actions: list[dict], milestones: list[dict],
          indicators: list[dict]) -> None:
    """Fail loudly if an edit breaks the contract: the example must load without a warning."""
    axis_by_id = {axis["id"]: axis for axis in axes}
    action_by_id = {row["id"]: row for row in actions}
    for row in actions:
        assert row["start"] <= row["end"], row["id"]
        if row["_axis"] is not None:
            axis = axis_by_id[row["_axis"]]
            assert axis["start"] <= row["start"] and row["end"] <= axis["end"], row["id"]
        for reference in filter(None, (ref.strip() for ref in row["depends_on"].split(","))):
            # Finish-to-start, and only on earlier ids, so there can be no cycle.
            assert reference < row["id"], (row["id"], reference)
            assert action_by_id[reference]["end"] <= row["start"], (row["id"], reference)
    for row in milestones:
        owner = action_by_id[row["action_id"]]
        assert owner["start"] <= row["planned"] <= owner["end"], row["id"]
        if row["actual"]:
            assert owner["start"] <= row["actual"] <= owner["end"], row["id"]
    references = set(axis_by_id) | set(action_by_id)
    for row in indicators:
        assert row["target_ref"] in references, row["id"]


# --- writing ---------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
MAX_WIDTH = 60


def write_sheet(workbook: Workbook, schema: SheetSchema, rows: list[dict],
                skip: tuple[str, ...] = (), freeze: str = "B2") -> None:
    """One sheet: the schema's headers in row 1, typed cells, formats from column kinds."""
    sheet = workbook.create_sheet(schema.name)
    columns = [column for column in schema.columns if column.field not in skip]
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in rows:
        sheet.append([row.get(column.field) for column in columns])
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            elif column.kind == "number" and cell.value is not None:
                unit = sheet.cell(cell.row, _position(columns, "unit")).value
                cell.number_format = MONEY_FORMAT if unit == "€" else NUMBER_FORMAT
            elif column.kind == "color" and cell.value:
                # The colour cell shows its colour, so a reader sees what the band will be.
                cell.fill = PatternFill("solid", fgColor=cell.value.lstrip("#"))
                cell.font = Font(color="FFFFFF", bold=True)
        lengths = [len(_shown(cell.value)) for (cell,) in
                   sheet.iter_rows(min_col=index, max_col=index)]
        sheet.column_dimensions[letter].width = min(max(lengths) + 2, MAX_WIDTH)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = sheet.dimensions


def _position(columns: list, field: str) -> int:
    return next(index for index, column in enumerate(columns, 1) if column.field == field)


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return "00/00/0000"
    if isinstance(value, (int, float)):
        return f"{value:,.0f} €"
    return "" if value is None else str(value)


def build_workbook() -> Workbook:
    """The example workbook, checked against the contract."""
    axes = [{**axis, "start": _day(axis["start"]), "end": _day(axis["end"])} for axis in AXES]
    actions = ACTION_ROWS
    milestones = milestone_rows(actions)
    indicators = indicator_rows()
    check(axes, actions, milestones, indicators)
    settings = [
        {"key": "titre", "value": TITLE},
        {"key": "organisation", "value": ORGANISATION},
        {"key": "type de collectivité", "value": "EPCI"},
        {"key": "date de situation", "value": STATUS_DATE},
    ]

    workbook = Workbook()
    workbook.remove(workbook.active)
    write_sheet(workbook, STRATEGY, axes, freeze="A2")
    # No `durée` column: every action has an end date.
    write_sheet(workbook, ACTIONS, actions, skip=("duration",))
    write_sheet(workbook, MILESTONES, milestones)
    write_sheet(workbook, INDICATORS, indicators)
    write_sheet(workbook, SETTINGS, settings, freeze="A2")
    workbook.properties.title = TITLE
    workbook.properties.creator = "Horizon"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    return workbook


def reproducible_bytes(workbook: Workbook) -> bytes:
    """The workbook's bytes, with fixed zip timestamps so the same content gives the same hash."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    stable = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                # openpyxl stamps the save time as "modified", whatever the workbook says.
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp,
                                 content)
            target.writestr(info, content)
    return stable.getvalue()


def write_example(path: str | Path = OUTPUT) -> Path:
    """Write the example workbook to `path` and return it."""
    path = Path(path)
    path.write_bytes(reproducible_bytes(build_workbook()))
    return path


if __name__ == "__main__":
    print(write_example(sys.argv[1] if len(sys.argv) > 1 else OUTPUT))
